"""Sync: the client that moves a terminal's log to the hub, and the reference server."""
