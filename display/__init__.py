"""The hall's call screen (叫号屏): a face of its own (`python main.py display`), like kiosk/ and
desk/. It imports ui/ and the hall's API only; `display --headless` stays in the CLI."""
