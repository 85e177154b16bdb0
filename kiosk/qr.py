"""The module matrix of a QR code (the qrcode library), made off the GUI thread and drawn by
kiosk.widgets.QrView: a ticket's number stays on screen with its QR when nothing can print."""

from __future__ import annotations


def qr_matrix(data: str) -> tuple[tuple[bool, ...], ...]:
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    code = qrcode.QRCode(border=0, error_correction=ERROR_CORRECT_M)
    code.add_data(data)
    code.make(fit=True)
    return tuple(tuple(bool(m) for m in row) for row in code.get_matrix())
