"""The machine a benchmark ran on. Every bench script prints this line first: figures from
machines of other sizes (or under other load) are never compared blind.

`./dev bench` runs every script; each prints its headline figures as ratios against a baseline
measured in the same run."""

from __future__ import annotations

import os
import platform


def describe() -> str:
    cores = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    load = f", load {os.getloadavg()[0]:.2f}" if hasattr(os, "getloadavg") else ""
    return (f"machine: {cores} cores ({usable} usable){load}, {platform.machine()}, "
            f"{platform.system()}, Python {platform.python_version()}")
