"""The suite runs on every core (pytest-xdist, `./dev test`: `--dist loadgroup`); the tests that
share the machine's one virtual card slot must stay on one worker (tests/conftest.py groups them),
or a worker waits on another's card session until its timeout. pytest 9.2 made xdist's grouping
stop silently (pytest-dev/pytest-xdist#1386): this test fails when a group is not honoured."""

from __future__ import annotations

import os

import pytest


@pytest.mark.xdist_group("selfcheck")
def test_groups_are_honoured_by_the_parallel_run(request: pytest.FixtureRequest) -> None:
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    # a worker of `--dist loadgroup` is told so by the controller (xdist sets `loadgroup`)
    if worker is None or not request.config.getvalue("loadgroup"):
        pytest.skip("not a parallel run with --dist loadgroup")
    assert request.node.nodeid.endswith("@selfcheck"), (
        "pytest-xdist did not group this test (its node id has no @group suffix): the card-slot "
        "tests would run on several workers at once")
