"""The desk's papers: 受理回执, 不予受理告知书 and 一次性告知书 on A4, on a thread of their own so
the GUI never waits on a printer or the disk. The words are the hall's (hall/slips.py); this
module only lays them out: title, label–value table, the QR of the case, lines to sign.

A paper holds personal data (the masked applicant) and text people typed (a 告知承诺, refusal
reasons), so by default it goes through QPrinter to the hall's A4 printer and rests nowhere:
Qt's CUPS engine renders the job into a private temporary file (mode 0600, `cupsTempFd` in
$TMPDIR) and removes it once the job is handed to the spooler (the spooler's own copy is the
system's: docs/security.md says to set `PreserveJobFiles No`). Writing PDF files instead
(`--receipt-pdf DIR`) is for tests and diagnosis only: those files hold that data in plain, and
are written 0600 in a 0700 folder.

The short slip for the thermal printer is devices.escpos.receipt_slip_layout of the same data
(ui.hardware.ReceiptPrinter prints it).
"""

from __future__ import annotations

import html
import io
import itertools
import logging
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QMarginsF, QObject, QSizeF, QUrl, Signal
from PySide6.QtGui import QFont, QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from hall.slips import ReceiptSlip

log = logging.getLogger("tingduan.desk")

QR_RESOURCE = "tingduan://qr.png"


def qr_png(data: str) -> bytes:
    """The QR as PNG (qrcode, the library the thermal printer's QR check already uses)."""
    import qrcode

    image = qrcode.make(data, box_size=8, border=2)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@dataclass(frozen=True)
class Fit:
    """How tight a paper is set: the text's size, the QR's, the cells' padding; and whether
    the footer with its signature lines starts a page of its own."""

    text_pt: int = 12
    qr_px: int = 150
    padding: int = 7
    break_before_footer: bool = False


# tighter and tighter until the paper fits one A4 page; the last resort moves the footer (the
# promise's words) to page 2 together with the lines to sign under it
FITS = (Fit(), Fit(11, 120, 5), Fit(10, 100, 4), Fit(10, 100, 4, break_before_footer=True))
# A4 less the 18 mm margins, in the document's layout units (96 per inch, as print_ scales);
# print_ then keeps 2 cm inside that for its own margin and the page number
PAGE_PX = ((210 - 36) / 25.4 * 96, (297 - 36) / 25.4 * 96)
PRINT_MARGIN_PX = 2 / 2.54 * 96


def slip_html(slip: ReceiptSlip, fit: Fit = Fit()) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td width='28%' style='background:#eef1f5'><b>{e(k)}</b></td><td>{e(v)}</td></tr>"
        for k, v in slip.rows)
    parts = [f"<p align='center' style='font-size:13pt'>{e(slip.hall_name)}</p>",
             f"<h1 align='center' style='font-size:22pt'>{e(slip.title)}</h1>",
             f"<table width='100%' border='1' cellspacing='0' cellpadding='{fit.padding}' "
             f"style='border-color:#333;font-size:{fit.text_pt}pt'>{rows}</table>"]
    if slip.qr_url:
        parts.append(f"<p align='center'><img src='{QR_RESOURCE}' width='{fit.qr_px}' "
                     f"height='{fit.qr_px}'><br><span style='font-size:9pt'>"
                     f"{e(slip.qr_url)}</span></p>")
    brk = " page-break-before:always;" if fit.break_before_footer else ""
    parts += [f"<p style='font-size:{fit.text_pt - 1}pt;{brk if i == 0 else ''}'>{e(line)}</p>"
              for i, line in enumerate(slip.footer)]
    parts += [f"<p style='font-size:{fit.text_pt}pt'><br>{e(who)}：________________　　"
              "日期：______年____月____日</p>" for who in slip.signatures]
    return "<html><body>" + "".join(parts) + "</body></html>"


# Latin letters and digits from a Latin font: set in a CJK font they may be shaped into glyphs
# the PDF's text layer cannot map back (a case number would read "H -  -K -" when searched or
# copied). Chinese falls through to the CJK family.
LATIN_FAMILY = "DejaVu Sans"


def document(slip: ReceiptSlip, family: str | None) -> QTextDocument:
    """The paper set as loosely as fits one page; the signature lines never stand alone on a
    page of their own (they come with the words they sign)."""
    qr = QImage.fromData(qr_png(slip.qr_url)) if slip.qr_url else None
    for fit in FITS:
        doc = _laid_out(slip, family, fit, qr)
        if doc.pageCount() == 1:
            break
    doc.setPageSize(QSizeF())  # print_ lays it out again on the printer's page
    frame = doc.rootFrame().frameFormat()
    frame.setMargin(4)  # Qt's default: print_ sets its own 2 cm
    doc.rootFrame().setFrameFormat(frame)
    return doc


def _laid_out(slip: ReceiptSlip, family: str | None, fit: Fit,
              qr: QImage | None) -> QTextDocument:
    doc = QTextDocument()
    font = QFont()
    font.setFamilies([LATIN_FAMILY, *([family] if family else [])])
    font.setPointSize(fit.text_pt)
    doc.setDefaultFont(font)
    if qr is not None:
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(QR_RESOURCE), qr)
    doc.setHtml(slip_html(slip, fit))
    doc.setPageSize(QSizeF(*PAGE_PX))
    frame = doc.rootFrame().frameFormat()
    frame.setMargin(PRINT_MARGIN_PX)  # as print_ lays it out
    doc.rootFrame().setFrameFormat(frame)
    return doc


def render_pdf(slip: ReceiptSlip, path: Path, family: str | None = None) -> Path:
    """An A4 PDF of the slip (written beside, then renamed: a reader never sees half a file),
    readable by its owner only: it holds personal data."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.part")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # before Qt opens it
    writer = QPdfWriter(str(partial))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                     QPageLayout.Orientation.Portrait,
                                     QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter))
    writer.setResolution(300)
    writer.setTitle(slip.title)
    writer.setCreator("tingduan")
    doc = document(slip, family)
    doc.print_(writer)
    del writer  # finishes the file
    partial.replace(path)
    return path


def print_to_printer(slip: ReceiptSlip, printer_name: str, family: str | None = None) -> None:
    from PySide6.QtPrintSupport import QPrinter

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPrinterName(printer_name)
    printer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    printer.setDocName(slip.title)
    if not printer.isValid():
        raise OSError(f"A4 printer {printer_name!r} is not available")
    document(slip, family).print_(printer)


def default_printer() -> str | None:
    from PySide6.QtPrintSupport import QPrinterInfo

    name = QPrinterInfo.defaultPrinterName()
    return name or None


def file_name(slip: ReceiptSlip, key: str) -> str:
    safe = re.sub(r"[^0-9A-Za-z_-]", "_", key)
    kinds = {"受理回执": "receipt", "不予受理告知书": "refusal", "一次性告知书": "notice"}
    return f"{safe}-{kinds.get(slip.title, 'slip')}.pdf"


class A4Printer(QObject):
    """A4 papers off the GUI thread, one after another: to `printer_name` or the system's
    default printer (nothing left on disk); with neither, `failed` says so and the thermal slip
    is the receipt. To PDF files in `pdf_dir` only when asked (tests, diagnosis: the files hold
    personal data)."""

    printed = Signal(int, object)  # token, the PDF's Path (None when sent to a printer)
    failed = Signal(int, str)  # token, what went wrong (for the log; the face says its own)

    def __init__(self, pdf_dir: Path | None = None, printer_name: str | None = None,
                 family: str | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pdf_dir = pdf_dir
        self.printer_name = printer_name
        self.family = family
        self._tokens = itertools.count(1)
        self._lock = threading.Lock()  # one paper at a time, in order
        self._threads: list[threading.Thread] = []

    @property
    def configured(self) -> bool:
        return self.pdf_dir is not None or bool(self.printer_name or default_printer())

    def print_slip(self, slip: ReceiptSlip, key: str) -> int:
        token = next(self._tokens)
        thread = threading.Thread(target=self._run, args=(token, slip, key), daemon=True,
                                  name="a4-printer")
        self._threads = [t for t in self._threads if t.is_alive()] + [thread]
        thread.start()
        return token

    def _run(self, token: int, slip: ReceiptSlip, key: str) -> None:
        with self._lock:
            try:
                if self.pdf_dir is not None:
                    path = render_pdf(slip, self.pdf_dir / file_name(slip, key), self.family)
                    self.printed.emit(token, path)
                    return
                name = self.printer_name or default_printer()
                if not name:
                    self.failed.emit(token, "no A4 printer")
                    return
                print_to_printer(slip, name, self.family)
                self.printed.emit(token, None)
            except Exception as exc:  # a printer driver or the disk: told, never raised here
                log.warning("A4 printing failed: %s", type(exc).__name__)
                self.failed.emit(token, type(exc).__name__)

    def stop(self, timeout: float = 10.0) -> None:
        for thread in self._threads:
            thread.join(timeout)
