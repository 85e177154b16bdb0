"""config.json, security.json, devices.json: one pydantic model each, a wrong value refused as
`file: field: reason` with exit 2 (never a traceback, never a value kept in the wrong type), and
pydantic kept off the CLI's hot path by validating each content once (hall/checked_json.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest

from devices.config import DEVICES_SPEC, load_device_config
from hall import checked_json
from hall import config as config_file
from hall.config import CONFIG_SPEC, TerminalConfig
from hall.errors import ConfigError
from hall.security import config as security_config
from hall.security.config import SECURITY_SPEC
from tests.conftest import ROOT


def run(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args, "--data-dir", str(data),
                           "--json"], capture_output=True, text=True, timeout=60, cwd=ROOT)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    assert run(tmp_path, "setup", "--hall", "H1", "--terminal", "K3",
               "--standalone").returncode == 0
    return tmp_path


def _edit(data: Path, name: str, change: Any) -> None:
    path = data / name
    body = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    change(body)
    path.write_text(json.dumps(body), encoding="utf-8")


@pytest.mark.parametrize(("spec", "module"), [
    (CONFIG_SPEC, "hall.config_schema"),
    (SECURITY_SPEC, "hall.security.config_schema"),
    (DEVICES_SPEC, "devices.config_schema"),
])
def test_each_models_tag_is_current(spec: checked_json.Spec, module: str) -> None:
    """A changed model must invalidate what was validated with the old one."""
    assert spec.tag == checked_json.source_tag(module), (
        f"{module} changed: set the tag of {spec.filename}'s Spec to "
        f"{checked_json.source_tag(module)!r}")


def test_the_models_defaults_are_the_dataclasses() -> None:
    from hall.config_schema import ConfigFile

    made = ConfigFile(hall_id="H1", terminal_id="K3").model_dump(mode="json")
    expected = asdict(TerminalConfig("H1", "K3"))
    expected["ticket_footer"] = list(expected["ticket_footer"])  # JSON has lists, not tuples
    assert made == expected


@pytest.mark.parametrize(("change", "said"), [
    (lambda c: c["policy"].update(recall_limit="2"),
     "config.json: policy.recall_limit: Input should be a valid integer (got a string)"),
    (lambda c: c.update(timezone=None),
     "config.json: timezone: Input should be a valid string (got null)"),
    (lambda c: c["policy"].update(recal_limit=3),
     "config.json: policy.recal_limit: Extra inputs are not permitted"),
    (lambda c: c.update(numbering="hub"),
     "config.json: numbering: Input should be 'standalone' or 'member'"),
    (lambda c: c.update(timezone="Mars/Olympus"),
     "config.json: timezone: unknown timezone 'Mars/Olympus'"),
    (lambda c: c["policy"].update(max_wait_minutes=-1),
     "config.json: policy.max_wait_minutes: Input should be greater than or equal to 0"),
    (lambda c: c.update(policy=True),
     "config.json: policy: Input should be a valid dictionary or instance of PolicyFile"),
])
def test_a_wrong_value_in_config_json(data: Path, change: Any, said: str) -> None:
    _edit(data, "config.json", change)
    done = run(data, "ticket", "take", "--service", "newborn")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert said in done.stderr
    assert json.loads(done.stdout)["error"] == "config"


def test_broken_json_names_the_line(data: Path) -> None:
    (data / "config.json").write_text('{\n  "hall_id": "H1",\n  "terminal_id": "K3",,\n}\n')
    done = run(data, "ticket", "list")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "config.json: line 3 column 23: not valid JSON" in done.stderr


def test_a_string_recall_limit_never_reaches_a_recall(data: Path) -> None:
    """The issue's crash: "recall_limit": "2" passed and failed at the first recall."""
    run(data, "ticket", "take", "--service", "newborn")
    _edit(data, "config.json", lambda c: c["policy"].update(recall_limit="2"))
    done = run(data, "ticket", "recall", "--ticket", "A001")
    assert done.returncode == 2 and "recall_limit" in done.stderr
    _edit(data, "config.json", lambda c: c["policy"].update(recall_limit=2))
    assert run(data, "ticket", "call", "--window", "1").returncode == 0
    assert run(data, "ticket", "recall", "--ticket", "A001").returncode == 0


def test_a_wrong_value_in_security_json(data: Path) -> None:
    (data / "security.json").write_text(json.dumps({"retention_days": "180"}))
    done = run(data, "admin", "purge")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "security.json: retention_days: Input should be a valid integer (got a string)" in (
        done.stderr)
    (data / "security.json").write_text(json.dumps({"code_resolvers": [{"plugin": None}]}))
    with pytest.raises(ConfigError, match=r"code_resolvers\.0\.plugin: Input should be a "
                                          r"valid string"):
        security_config.load(data)
    (data / "security.json").write_text(json.dumps({"code_resolvers": [
        {"plugin": "hall.security.codes:SignedCodeResolver", "name": "hb", "prefix": "HBID1."}]}))
    assert security_config.load(data)["code_resolvers"][0]["name"] == "hb"  # options kept


def test_a_wrong_value_in_devices_json(data: Path) -> None:
    (data / "devices.json").write_text(json.dumps({"printer": 9100, "scaner": "/dev/ttyACM0"}))
    done = run(data, "devices", "check")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert ("devices.json: printer: Input should be a valid string (got a whole number); "
            "scaner: Extra inputs are not permitted") in done.stderr
    (data / "devices.json").write_text(json.dumps({"printer": None}))
    with pytest.raises(ConfigError, match=r"devices\.json: printer: .* \(got null\)"):
        load_device_config(data)
    (data / "devices.json").write_text(json.dumps({"printer": "tcp://127.0.0.1:9", "scanner": ""}))
    assert load_device_config(data) == {"printer": "tcp://127.0.0.1:9"}


PROBE = ("import sys; sys.argv = ['main.py', *sys.argv[1:]]; import cli; code = cli.main(); "
         "print('pydantic' in sys.modules, code)")


def _take_imports_pydantic(data: Path) -> bool:
    done = subprocess.run([sys.executable, "-c", PROBE, "ticket", "take", "--service", "newborn",
                           "--data-dir", str(data), "--json"], capture_output=True, text=True,
                          cwd=ROOT, timeout=60)
    *_, last = done.stdout.strip().splitlines()
    imported, code = last.split()
    assert code == "0", done.stderr
    return imported == "True"


def test_pydantic_only_when_a_file_is_new(data: Path) -> None:
    assert not _take_imports_pydantic(data)  # setup validated what it wrote
    _edit(data, "config.json", lambda c: c.update(hall_name="十堰市政务服务中心"))
    assert _take_imports_pydantic(data)  # edited by hand: validated once …
    assert not _take_imports_pydantic(data)  # … and not again
    _edit(data, "config.json", lambda c: c["policy"].update(recall_limit="2"))
    assert run(data, "ticket", "list").returncode == 2  # a change is always validated again


def test_a_tampered_or_stale_cache_is_never_trusted(data: Path) -> None:
    cached = data / checked_json.CHECKED_DIR / "config.json"
    kept = json.loads(cached.read_text())
    kept["data"]["policy"]["recall_limit"] = "2"
    kept["key"] = "0" * 64  # not the key of config.json's bytes
    cached.write_text(json.dumps(kept))
    assert config_file.load(data).policy.recall_limit == 2  # validated again from the file
    cached.write_text("{broken")
    assert config_file.load(data).policy.recall_limit == 2


def test_a_short_code_two_terminals_could_share_gives_way(tmp_path: Path) -> None:
    """Setup used to write the last four letters and digits (DESK01 and KIOSK01: SK01)."""
    for name in ("DESK01", "KIOSK01"):
        folder = tmp_path / name
        assert run(folder, "setup", "--hall", "H1", "--terminal", name).returncode == 0
        _edit(folder, "config.json", lambda c: c.update(short_code="SK01"))
        assert config_file.load(folder).fallback_code == name
    explicit = tmp_path / "K3"
    run(explicit, "setup", "--hall", "H1", "--terminal", "K3X")
    _edit(explicit, "config.json", lambda c: c.update(short_code="K9"))
    assert config_file.load(explicit).fallback_code == "K9"  # chosen by hand: kept
