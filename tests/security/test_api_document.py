"""The API document tells the truth (issue #19): Schemathesis, a third-party fuzzer that reads
`/openapi.json` (served with `serve --api-docs`), runs every operation of a hub with a desk's
credential and all its checks, and finds nothing. Small (a few examples per operation, bounded
by a timeout); it prints its figures."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

from sync.server import db
from tests.security.samples import SampleIssuer
from tests.sync.conftest import RunningServer

EXAMPLES = int(os.environ.get("API_DOC_EXAMPLES", "8"))


@pytest.mark.timeout(300)
def test_schemathesis_finds_nothing_with_a_terminals_credential(tmp_path: Path) -> None:
    cli = shutil.which("schemathesis", path=str(Path(sys.executable).parent))
    if cli is None:
        pytest.skip("schemathesis is not installed (pip install -e .[test])")
    folder = tmp_path / "hub"
    folder.mkdir()
    (folder / "security.json").write_text(json.dumps({"code_resolvers": [{
        "plugin": "hall.security.codes:SignedCodeResolver", "name": "st", "prefix": "ST1.",
        "public_key": SampleIssuer("ST1.").public_key}]}))
    srv = RunningServer(folder, db.database_url(folder, None), "hub",
                        api_docs=True, rate=10_000.0, burst=10_000, auth_fail_rate=10_000.0,
                        auth_fail_burst=10_000)
    try:
        token = srv.token("H1", "D1")
        # Two refusals of schema-valid requests are the design, not a lie of the document: a
        # cursor the server did not give is stale (410: opaque, bound to the hall), and a
        # well-formed code no configured issuer signed is refused (422).
        config = tmp_path / "schemathesis.toml"
        config.write_text(
            '[[operations]]\ninclude-path = "/v1/sync/pull"\n'
            'checks.positive_data_acceptance.expected-statuses = '
            '["2xx", "401", "403", "404", "409", "410", "429"]\n\n'
            '[[operations]]\ninclude-path = "/v1/codes/verify"\n'
            'checks.positive_data_acceptance.expected-statuses = '
            '["2xx", "401", "403", "404", "409", "422", "429"]\n')
        # A hall with an event from another terminal: a pull answers at once, never waits out
        # a long-poll the fuzzer asks for (wait up to 60 s).
        other = srv.token("H1", "D2")
        pushed = httpx.post(f"{srv.url}/v1/sync/push", json={"events": [{
            "event_id": str(uuid.uuid4()), "hall_id": "H1", "terminal_id": "D2",
            "terminal_seq": 1, "hlc": int(time.time() * 1000) << 16, "type": "WindowConfigured",
            "schema_version": 1, "payload": {"window": "1", "services": None}}]},
            headers={"authorization": f"Bearer {other}"})
        assert pushed.json()["inserted"] == 1
        done = subprocess.run(
            [cli, "--config-file", str(config), "run", f"{srv.url}/openapi.json",
             "--header", f"Authorization: Bearer {token}",
             "--checks", "all", "--max-examples", str(EXAMPLES), "--seed", "19",
             "--request-timeout", "10", "--no-color", "--mode", "all",
             "--phases", "examples,coverage,fuzzing"],
            capture_output=True, text=True, timeout=280, cwd=tmp_path)
    finally:
        srv.stop()
    out = done.stdout + done.stderr
    summary = [line for line in out.splitlines() if re.search(r"passed|failed|cases|Test", line)]
    print("\n".join(summary[-12:]))  # the figures (pytest -s shows them)
    assert done.returncode == 0, out[-6000:]
