"""Kiosk (自助终端) pages: 取号, 办件查询, 好差评, elder mode. Qt; never imports desk."""
