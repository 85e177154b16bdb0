"""Revisions of the terminal store; Alembic loads them from this folder."""
