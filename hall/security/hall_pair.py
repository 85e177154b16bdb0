"""The hall's X25519 key pair on this machine, made where missing (issue 24).

The keys engineer (#19) makes the hub create this pair and hand it inside the hall; until that
lands, a hub or a station syncing straight with the platform makes its own here on first use.
The file names are the shared ones (`keys.HALL_PRIVATE`, `keys.HALL_PUBLIC`), so whichever code
makes the pair first, the other finds it.
"""

from __future__ import annotations

from pathlib import Path

from hall.security import keys
from hall.security.sealbox import KeyPair, generate, public_of


def hall_keypair(data_dir: Path) -> KeyPair:
    """The pair in `data_dir/keys/`, made (0600, atomically) if there is none; a private key
    without its public half gets the half derived again."""
    private = keys.load(data_dir, keys.HALL_PRIVATE)
    if private is None:
        made = generate()
        keys.create(data_dir, keys.HALL_PRIVATE, made.private, replace=False)
        private = keys.load(data_dir, keys.HALL_PRIVATE)  # another process's, if it won
        assert private is not None
    public = public_of(private)
    if keys.load(data_dir, keys.HALL_PUBLIC) != public:
        keys.create(data_dir, keys.HALL_PUBLIC, public, replace=True)
    return KeyPair(private, public)
