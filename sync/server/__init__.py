"""The reference server: a hall hub, or the central platform, speaking the one sync protocol."""
