"""The kiosk's flows, one module each (取号, 一次性告知, 办件查询, 好差评, 预约签到, 帮办, maintenance,
elder/idle): each a mixin over `KioskBase` (the window's frame and its shared helpers) that
kiosk/window.py puts together into `KioskWindow`."""
