"""The hall's domain core: tickets, numbers, calling, cases, ratings. No Qt, no devices, no network."""
