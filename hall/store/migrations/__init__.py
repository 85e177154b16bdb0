"""Alembic migrations of the terminal store (a package, so installs and freezers carry it)."""
