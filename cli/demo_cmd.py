"""demo --headless: a scripted hall day (issue, call, serve, accept, rate) on a simulated clock."""

from __future__ import annotations

import argparse
import random
import tempfile
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from cli.common import common_options

Result = tuple[dict[str, Any], str | None]

WINDOWS = {"1": None, "2": ["newborn", "retirement", "social_security_card", "hukou_transfer"],
           "3": ["enterprise_info_change", "restaurant_opening", "tax_invoice"]}
VISITORS = [
    ("newborn", "regular"), ("retirement", "elder"), ("restaurant_opening", "regular"),
    ("social_security_card", "regular"), ("hukou_transfer", "pregnant"),
    ("enterprise_info_change", "regular"), ("consultation", "regular"),
    ("newborn", "regular"), ("tax_invoice", "military"), ("retirement", "disabled"),
    ("medical_offsite_filing", "elder"), ("result_pickup", "regular"),
]


def register(sub: Any) -> None:
    p = sub.add_parser("demo", parents=[common_options()], help="a scripted hall day")
    p.add_argument("--headless", action="store_true", help="no screen: print the day")
    p.add_argument("--seed", type=int, default=7)
    p.set_defaults(handler=demo)


class SimulatedClock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def demo(args: argparse.Namespace) -> Result:
    from hall import cases, ratings
    from hall.catalog import load_catalog
    from hall.config import CallPolicy, TerminalConfig, save
    from hall.errors import DomainError
    from hall.identity import Applicant
    from hall.keys import load_or_create
    from hall.service import HallService
    from hall.stats import day_stats
    from hall.store import Store

    folder = args.data_dir or Path(tempfile.mkdtemp(prefix="tingduan-demo-"))
    config = TerminalConfig("DEMO-HALL", "DESK1", short_code="D1",
                            policy=CallPolicy(max_wait_minutes=30))
    save(folder, config)
    start = datetime.now(config.zone).replace(hour=9, minute=0, second=0, microsecond=0)
    clock = SimulatedClock(start)
    rng = random.Random(args.seed)
    hall = HallService(Store.open(folder), config, load_catalog(), wall=clock,
                       index_key=load_or_create(folder, "index"))
    log: list[dict[str, Any]] = []

    def say(what: str, **data: Any) -> None:
        log.append({"time": clock.now.strftime("%H:%M:%S"), "what": what, **data})

    for window, services in WINDOWS.items():
        hall.configure_window(window, services)
    for i, (service, priority) in enumerate(VISITORS):
        t = hall.take_ticket(service, priority)
        say("取号", ticket=t.number, service=hall.catalog.get(service).name, priority=priority,
            ahead=t.ahead)
        clock.advance(rng.uniform(20, 90))
        if i % 2 == 1:
            for window in WINDOWS:
                _serve_one(hall, window, rng, clock, say, cases, ratings, Applicant, DomainError)
    for _ in range(len(VISITORS)):
        for window in WINDOWS:
            _serve_one(hall, window, rng, clock, say, cases, ratings, Applicant, DomainError)
    figures = day_stats(hall)
    hall.store.close()
    lines = [f"{e['time']}  {e['what']}  " + "  ".join(
        f"{k}={v}" for k, v in e.items() if k not in ("time", "what") and v is not None)
        for e in log]
    t = figures["total"]
    lines.append(f"— day: issued {t['issued']}, served {t['served']}, no-show {t['no_show']}, "
                 f"wait avg {t['wait_avg_s']} s, service avg {t['service_avg_s']} s")
    lines.append(f"— data: {folder}")
    return {"day": log, "stats": figures, "data_dir": str(folder)}, "\n".join(lines)


def _serve_one(hall: Any, window: str, rng: random.Random, clock: SimulatedClock, say: Any,
               cases: Any, ratings: Any, applicant_cls: Any, domain_error: Any) -> None:
    try:
        t = hall.call_next(window)
    except domain_error:
        return
    say("叫号", ticket=t.number, window=window)
    clock.advance(rng.uniform(10, 40))
    if rng.random() < 0.1:
        hall.recall(t.id)
        say("重呼", ticket=t.number, window=window)
        clock.advance(30)
        hall.no_show(t.id)
        say("过号", ticket=t.number, window=window)
        return
    hall.start(t.id)
    service = hall.catalog.get(t.service)
    clock.advance(rng.uniform(120, 600))
    if service.materials:
        items = [cases.MaterialItem(m.name, "exempt" if m.e_licence else "submitted")
                 for m in service.materials]
        deferrable = [m for m in service.materials if m.deferrable and not m.e_licence]
        if deferrable:
            m = deferrable[0]
            due = (clock.now + timedelta(days=5)).date().isoformat()
            items = [i for i in items if i.name != m.name] + [
                cases.MaterialItem(m.name, "deferred", promise="申请人承诺五个工作日内补交", due=due)]
        person = applicant_cls(masked_name="张*", masked_id="420302********0000",
                               key=f"demo-{t.number}", verified=True)
        case = cases.accept(hall, service.id, person, items, ticket_id=t.id)
        deferred = sum(1 for m in case["materials"] if m["status"] == "deferred")
        say("受理", ticket=t.number, case=case["case_number"],
            materials=f"{len(case['materials'])} (容缺 {deferred})")
    hall.done(t.id)
    grade = rng.choices([5, 4, 3, 2], weights=[70, 20, 7, 3])[0]
    r = ratings.rate(hall, t.id, grade)
    say("评价", ticket=t.number, grade=r["grade_name"])
