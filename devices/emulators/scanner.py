"""A serial QR scanner on a pty: `scan(payload)` sends it the way a USB-COM scanner does."""

from __future__ import annotations

from devices.emulators.pty import PtyDevice

SAMPLE_PAYLOADS = {
    # 身份码-like and 企业码-like opaque tokens; the core resolves them, not the scanner
    "shenfenma": "https://zwfw.example.gov.cn/sfm/v1/3f9a2c7e-demo-token",
    "qiyema": "QYM:91420300MA0000000X:demo",
    "gb18030": "取件码：演示123",
}


class ScannerEmulator(PtyDevice):
    def __init__(self, *, encoding: str = "utf-8", terminator: bytes = b"\r\n") -> None:
        super().__init__()
        self.encoding, self.terminator = encoding, terminator

    def scan(self, payload: str) -> None:
        self.send(payload.encode(self.encoding) + self.terminator)

    def on_bytes(self, data: bytes) -> None:
        pass  # scanners ignore what the host sends them
