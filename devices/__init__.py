"""Hardware of the hall: card readers, thermal printers, QR scanners. No Qt here.

Each driver sits behind a Protocol in `ports.py`; each device has an emulator in `emulators/`
that sits at the far end of the same transport the real device uses.
"""
