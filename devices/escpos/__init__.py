"""Receipt printers: layout → ESC/POS bytes, transports, paper status, a durable print queue."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from devices.errors import PaperOut, PrinterError
from devices.escpos.layout import (
    QR,
    Cut,
    Feed,
    Layout,
    Text,
    encode,
    receipt_layout,
    receipt_slip_layout,
    slip_layout,
    ticket_layout,
)

__all__ = ["QR", "Cut", "Feed", "Layout", "PaperOut", "PrinterError", "Text", "encode",
           "print_layout", "print_ticket", "receipt_layout", "receipt_slip_layout", "slip_layout",
           "ticket_layout"]


def print_layout(url: str, layout: Layout, *, spool_dir: Path | None = None,
                 timeout: float = 3.0) -> dict[str, Any]:
    """Print now, or (with `spool_dir`) queue durably and try once.

    Without a spool directory a printer problem raises a PrinterError (CLI exit 4). With one,
    the job is committed first and a problem is reported in the result, the job kept waiting:
    `{"printed": bool, "job": id, "state": "idle|out_of_paper|offline|unknown", "reason"}`.
    """
    if spool_dir is not None:
        from devices.escpos.spool import PrintQueue

        with PrintQueue(spool_dir, url) as queue:
            job = queue.submit(layout)
            state = queue.pump()
            return {"printed": queue.job_state(job) == "printed", "job": job,
                    "state": state.state, "paper": state.paper, "reason": state.reason,
                    "waiting": state.waiting}
    from devices.escpos.transport import EscposPrinter

    with EscposPrinter(url, timeout=timeout) as printer:
        paper = printer.paper_status()
        if paper == "out":
            raise PaperOut(f"打印机 {url} 缺纸")
        printer.write(encode(layout))
    return {"printed": True, "job": None, "state": "idle", "paper": paper, "reason": None,
            "waiting": 0}


def print_ticket(url: str, layout: Layout, *, spool_dir: Path | None = None) -> dict[str, Any]:
    """What `ticket take … --printer URL` calls; see print_layout."""
    return print_layout(url, layout, spool_dir=spool_dir)
