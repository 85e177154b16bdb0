"""The kiosk's screens. Each page shows what the window (kiosk/window.py) gives it and reports
taps as signals; none of them talks to the hall or a device itself."""
