"""Issue 24, the directory and a station straight on the platform: `serve directory`, the
directory served (central) and relayed (hub), hall keys published and pinned, a station that
enrolls with the central platform and syncs as a hall of its own."""

from __future__ import annotations

import base64
import contextlib
import io
import time
from pathlib import Path

import httpx
import pytest

from hall.security.sealbox import generate
from sync import directory_pin
from tests.sync.hallnet import cli


def _tree(central_dir: Path, *db: str) -> None:
    cli("serve", "directory", *db, "--hall", "P42", "--name", "某省", "--level", "province",
        data_dir=central_dir)
    cli("serve", "directory", *db, "--hall", "C1", "--name", "某县政务服务中心", "--level",
        "county", "--parent", "P42", data_dir=central_dir)
    cli("serve", "directory", *db, "--hall", "V1", "--name", "某村便民服务站", "--level",
        "village", "--parent", "C1", data_dir=central_dir)
    cli("serve", "directory", *db, "--seat", "市人社局=C1", "--seat", "市民政局=C1",
        data_dir=central_dir)


def test_directory_command_line(tmp_path: Path) -> None:
    d = tmp_path / "central"
    _tree(d)
    got = cli("serve", "directory", data_dir=d)
    assert [(h["hall"], h["level"], h["parent"]) for h in got["halls"]] == [
        ("C1", "county", "P42"), ("P42", "province", None), ("V1", "village", "C1")]
    assert got["seats"] == {"市人社局": "C1", "市民政局": "C1"}
    # a parent of a lower level, an unknown parent, a seat in an unknown hall, a bad seat
    for bad in (["--hall", "X", "--name", "x", "--level", "province", "--parent", "V1"],
                ["--hall", "X", "--name", "x", "--level", "town", "--parent", "NOPE"],
                ["--seat", "市公安局=NOPE"],
                # a department the catalog does not know would never route a part
                ["--seat", "公安=C1"], ["--seat", "市公安局=C1", "--seat", "市公按局=C1"]):
        assert _exit("serve", "directory", *bad, "--data-dir", str(d)) == 3
    assert _exit("serve", "directory", "--seat", "公安", "--data-dir", str(d)) == 2
    assert _exit("serve", "directory", "--hall", "X", "--data-dir", str(d)) == 2
    assert cli("serve", "directory", data_dir=d) == got  # nothing half-written


def test_station_straight_with_the_platform_and_a_hub_relaying(make_server, tmp_path: Path,
                                                                backend: str) -> None:
    """On the platform's SQLite and on PostgreSQL (`backend`)."""
    central = make_server(role="central")
    db = ("--database", central.database_url)
    _tree(central.data_dir, *db)
    station = tmp_path / "station"
    cli("setup", "--hall", "V1", "--terminal", "S1", "--standalone", data_dir=station)
    code = cli("serve", "enroll-code", *db, "--hall", "V1", "--terminal", "S1",
               data_dir=central.data_dir)["code"]
    assert cli("sync", "enroll", "--server", central.url, "--code", code,
               data_dir=station)["hall"] == "V1"
    cli("ticket", "take", "--service", "newborn", data_dir=station)
    assert cli("sync", "--once", data_dir=station)["pushed"] >= 1  # a hall of its own
    pinned = cli("sync", "directory", data_dir=station)
    v1 = {h["hall"]: h for h in pinned["halls"]}["V1"]
    assert v1["public_key"] == base64.b64encode(
        (station / "keys" / "hall-public.key").read_bytes()).decode()
    assert cli("serve", "directory", *db, data_dir=central.data_dir)["halls"][2]["kid"] == v1[
        "kid"]

    # the county's hub relays the directory to its desks, publishing its own hall key
    hub_code = cli("serve", "enroll-code", *db, "--hall", "C1", "--terminal", "HUB", "--hub",
                   data_dir=central.data_dir)["code"]
    hub = make_server("sqlite", role="hub", upstream={
        "server": central.url, "token": _spend(central.url, hub_code), "hall": "C1",
        "hub": "HUB", "wait": 1.0, "timeout": 2.0, "cap": 1.0, "idle": 0.5})
    desk = hub.token("C1", "D1")
    with httpx.Client(base_url=hub.url, headers={"Authorization": f"Bearer {desk}"}) as http:
        relayed = http.get("/v1/directory").json()
        assert http.post("/v1/directory/key", json={"public_key": "x"}).status_code == 404
    c1 = {h["hall"]: h for h in relayed["halls"]}["C1"]
    assert c1["public_key"] == base64.b64encode(
        (hub.data_dir / "keys" / "hall-public.key").read_bytes()).decode()
    assert directory_pin.public_key(hub.data_dir, "V1") == (
        station / "keys" / "hall-public.key").read_bytes()

    # a hall's key is pinned: another one later is refused at the platform ...
    other = base64.b64encode(generate().public).decode()
    token = central.token("V1", "S2")
    with httpx.Client(base_url=central.url, headers={"Authorization": f"Bearer {token}"}) as http:
        refused = http.post("/v1/directory/key", json={"public_key": other})
        assert (refused.status_code, refused.json()["code"]) == (409, "hall_key_changed")
        kiosk = central.token("V1", "K9", role="kiosk")
        assert http.post("/v1/directory/key", json={"public_key": other}, headers={
            "Authorization": f"Bearer {kiosk}"}).status_code == 403
    # ... and at a hall that pinned it, a directory naming another key is refused whole
    forged = {**pinned, "halls": [{**v1, "public_key": other}]}
    with pytest.raises(Exception, match="another public key"):
        directory_pin.pin(station, forged)
    assert directory_pin.public_key(station, "V1") == base64.b64decode(v1["public_key"])
    # the hub, its upstream away, still answers with what it pinned
    central.stop()
    start = time.monotonic()
    with httpx.Client(base_url=hub.url, headers={"Authorization": f"Bearer {desk}"},
                      timeout=30) as http:
        assert http.get("/v1/directory").json()["seats"] == {"市人社局": "C1", "市民政局": "C1"}
    assert time.monotonic() - start < 20


def _exit(*args: str) -> int:
    from cli import main

    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return int(main([*args, "--json"]))


def _spend(url: str, code: str) -> str:
    return str(httpx.post(f"{url}/v1/enroll", json={"code": code}).json()["token"])


def test_a_damaged_pinned_directory_is_said_not_read_as_empty(tmp_path: Path) -> None:
    """Read as "no seats", a damaged directory.json would keep at a station the parts the
    county decides (and drop the hall keys it pinned): every reader says it is damaged."""
    from hall import travel
    from hall.errors import ConfigError

    (tmp_path / directory_pin.PINNED_FILE).write_text('{"halls": [', encoding="utf-8")
    steps = [{"step": 1, "department": "市公安局"}]
    for read in (lambda: directory_pin.load(tmp_path),
                 lambda: travel.destinations(tmp_path, "V1", steps, None),
                 lambda: directory_pin.pin(tmp_path, {"halls": [], "seats": {}})):
        with pytest.raises(ConfigError) as refused:
            read()
        assert refused.value.code == "directory_damaged"
    assert (tmp_path / directory_pin.PINNED_FILE).read_text() == '{"halls": ['  # left as found
