"""Clerk windows (综合窗口) and the calling display (叫号屏). Qt; never imports kiosk."""
