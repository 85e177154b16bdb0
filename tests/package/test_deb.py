"""The Debian package, installed for real: `apt-get install ./….deb` into clean roots made with
mmdebstrap (Debian 12, and Debian 11 for the glibc floor), the program run from the installed
files, the units verified, data kept on `dpkg -r`, an upgrade over the installed package.

Minutes and the Debian mirror: only with PACKAGE_TESTS=1 (scripts/package-tests.sh builds the
package with `./dev package` first and runs these; figures are printed with -s).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
APPID = "cn.gov.tingduan"
CACHE = Path(os.environ.get("TINGDUAN_BUILD_CACHE", "/var/cache/tingduan-build"))
MIRROR = os.environ.get("DEBIAN_MIRROR", "http://deb.debian.org/debian")
SECURITY = os.environ.get("DEBIAN_SECURITY_MIRROR", "http://security.debian.org/debian-security")
ENGLISH = re.compile(r"[A-Za-z]{3,}")  # a word of three letters or more: an untranslated string

pytestmark = [pytest.mark.skipif(os.environ.get("PACKAGE_TESTS") != "1",
                                 reason="package tests: PACKAGE_TESTS=1 scripts/package-tests.sh"),
              pytest.mark.timeout(1200)]  # apt-get install of the Qt runtime into a clean root


def _deb() -> Path:
    debs = sorted((ROOT / "dist").glob(f"{APPID}_*.deb"), key=lambda p: p.stat().st_mtime)
    if not debs:
        pytest.fail("no package in dist/: run ./dev package first")
    return debs[-1]


def sh(*cmd: str, check: bool = True, timeout: float = 900, **kw: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout, **kw)  # type: ignore[call-overload]
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done  # type: ignore[no-any-return]


class Chroot:
    """A throwaway Debian root from a cached mmdebstrap tarball, /dev/pts and /proc mounted."""

    def __init__(self, suite: str, where: Path) -> None:
        tarball = CACHE / f"clean-{suite}.tar"
        if not tarball.exists():
            CACHE.mkdir(parents=True, exist_ok=True)
            partial = CACHE / f"clean-{suite}.partial.tar"  # mmdebstrap goes by the extension
            sh("mmdebstrap", "--quiet", "--variant=apt", suite, str(partial), MIRROR)
            os.replace(partial, tarball)
        self.path = where / suite
        self.path.mkdir(parents=True)
        sh("tar", "-xf", str(tarball), "-C", str(self.path))
        shutil.copy("/etc/resolv.conf", self.path / "etc" / "resolv.conf")
        self.mounts: list[Path] = []
        for fs, target, opts in (("devpts", "dev/pts", "gid=5,mode=620,ptmxmode=666"),
                                 ("proc", "proc", "")):
            point = self.path / target
            point.mkdir(parents=True, exist_ok=True)
            sh("mount", "-t", fs, *(["-o", opts] if opts else []), fs, str(point))
            self.mounts.append(point)

    def run(self, script: str, *, check: bool = True,
            timeout: float = 900) -> subprocess.CompletedProcess[str]:
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C.UTF-8", "HOME": "/root",
               "DEBIAN_FRONTEND": "noninteractive"}
        return sh("chroot", str(self.path), "/bin/sh", "-ec", script, check=check,
                  timeout=timeout, env=env)

    def install(self, deb: Path) -> float:
        shutil.copy(deb, self.path / "tmp" / deb.name)
        self.run("apt-get update -qq")
        started = time.monotonic()
        self.run(f"apt-get install -y -qq --no-install-recommends /tmp/{deb.name} >/tmp/apt.log 2>&1 "
                 "|| { cat /tmp/apt.log; exit 1; }")
        return time.monotonic() - started

    def close(self) -> None:
        for point in reversed(self.mounts):
            subprocess.run(["umount", "-l", str(point)], check=False)
        shutil.rmtree(self.path, ignore_errors=True)


@pytest.fixture(scope="module")
def bookworm(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chroot]:
    root = Chroot("bookworm", tmp_path_factory.mktemp("roots"))
    try:
        seconds = root.install(_deb())
        print(f"\n[figures] apt-get install into a clean Debian 12 root: {seconds:.1f} s")
        yield root
    finally:
        root.close()


def test_the_package_is_xz_and_laid_out_for_uos() -> None:
    deb = _deb()
    members = sh("ar", "t", str(deb)).stdout.split()
    assert members == ["debian-binary", "control.tar.xz", "data.tar.xz"]  # UOS's dpkg: no zstd
    fields = sh("dpkg-deb", "-f", str(deb)).stdout
    for need in ("pcscd", "libpcsclite1", "libccid", "libxcb-cursor0", "libdbus-1-3", "libegl1",
                 "libxkbcommon-x11-0", "fonts-noto-cjk", "libc6 (>= 2.31)", "libfontconfig1",
                 "libcups2 | libcups2t64", "libwayland-client0", "libwayland-egl1"):
        assert need in fields, need
    recommends = sh("dpkg-deb", "-f", str(deb), "Recommends").stdout
    for need in ("espeak-ng", "alsa-utils | pulseaudio-utils", "fcitx5-chinese-addons"):
        assert need in recommends, need
    assert "X-Glibc-Floor: 2.31" in fields
    # the version says what it carries: the program's commit and the runtime's date
    version = sh("dpkg-deb", "-f", str(deb), "Version").stdout.strip()
    assert re.fullmatch(r"\d+\.\d+\.\d+\+git\d{12}\.[0-9a-f]{8}(\.modified)?-rt\d{12}", version), \
        version
    conffiles = sh("sh", "-c", f"dpkg-deb --ctrl-tarfile {deb} | tar -xO ./conffiles").stdout
    assert set(conffiles.split()) == {"/etc/default/tingduan-hub",
                                      "/etc/xdg/autostart/tingduan-kiosk.desktop",
                                      "/etc/xdg/autostart/tingduan-display.desktop"}
    names = sh("dpkg-deb", "-c", str(deb)).stdout
    for path in (f"./opt/apps/{APPID}/info", f"./opt/apps/{APPID}/files/tingduan",
                 f"./opt/apps/{APPID}/entries/applications/{APPID}.desktop",
                 f"./opt/apps/{APPID}/entries/icons/hicolor/scalable/apps/{APPID}.svg",
                 "./usr/bin/tingduan", "./lib/systemd/system/tingduan-hub.service",
                 "./lib/systemd/system/tingduan-sync.service",
                 "./etc/xdg/autostart/tingduan-kiosk.desktop",
                 "./lib/udev/rules.d/60-tingduan-readers.rules", "./etc/default/tingduan-hub",
                 f"./usr/share/doc/{APPID}/copyright", f"./usr/share/doc/{APPID}/changelog.Debian.gz",
                 f"./opt/apps/{APPID}/files/RUNTIME"):
        assert path in names, path
    for host_lib in ("libfontconfig.so", "libfreetype.so"):  # the host's, which read its /etc/fonts
        assert host_lib not in names, host_lib
    print(f"\n[figures] {deb.name}: {deb.stat().st_size / 1e6:.1f} MB")


def test_lintian_finds_no_errors() -> None:
    done = sh("lintian", "--fail-on", "error", "--no-tag-display-limit", str(_deb()), check=False,
              timeout=900)
    print("\n[lintian]\n" + done.stdout)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_bundled_runtime_is_the_security_archives() -> None:
    """The bundled libssl1.1 is the version bullseye-security holds now (the hub's TLS)."""
    runtime = sh("sh", "-c", f"dpkg-deb --fsys-tarfile {_deb()} | "
                 f"tar -xO ./opt/apps/{APPID}/files/RUNTIME").stdout
    bundled = dict(line.split(" ", 1) for line in runtime.splitlines() if line)
    index = sh("sh", "-c", f"curl -fsS {SECURITY}/dists/bullseye-security/main/binary-amd64/"
               "Packages.xz | xz -dc").stdout
    stanza = index.split("Package: libssl1.1\n", 1)[1].split("\n\n", 1)[0]
    current = next(line.split(": ", 1)[1] for line in stanza.splitlines()
                   if line.startswith("Version: "))
    assert bundled["libssl1.1"] == current, (bundled.get("libssl1.1"), current)
    assert "deb12u" in bundled["python3.11"]  # CPython with Debian's security patches
    changelog = sh("sh", "-c", f"dpkg-deb --fsys-tarfile {_deb()} | tar -xO "
                   f"./usr/share/doc/{APPID}/changelog.Debian.gz | gunzip").stdout
    assert f"libssl1.1 {current}" in changelog
    print(f"\n[figures] bundled libssl1.1 {current}; CPython from {bundled['python3.11']}")


def test_installed_program_runs_without_a_checkout(bookworm: Chroot) -> None:
    info = json.loads((bookworm.path / "opt" / "apps" / APPID / "info").read_text())
    assert info["appid"] == APPID
    done = bookworm.run("cd / && tingduan demo --headless --data-dir /tmp/demo")
    assert "day: issued" in done.stdout
    # the catalog and the migrations come from the installed files, not from any checkout
    shown = bookworm.run("tingduan services --json --data-dir /tmp/demo")
    assert len(json.loads(shown.stdout)["services"]) > 10
    assert not (bookworm.path / "work").exists()
    assert bookworm.run("id tingduan").stdout.count("dialout") == 1


def test_every_catalog_of_the_source_is_installed(bookworm: Chroot) -> None:
    installed = bookworm.path / "opt" / "apps" / APPID / "files" / "_internal" / "resources" / "i18n"
    sources = sorted((ROOT / "resources" / "i18n").glob("*.ts"))
    assert sources
    for ts in sources:
        qm = installed / ts.with_suffix(".qm").name
        assert qm.is_file() and qm.stat().st_size > 100, qm


def _kiosk_home(root: Chroot, locale: str) -> tuple[list[str], subprocess.CompletedProcess[str]]:
    out = f"/tmp/shots-{locale}"
    done = root.run(f"rm -rf {out} && cd / && QT_QPA_PLATFORM=offscreen tingduan kiosk "
                    f"--screenshots {out} --page home --texts --locale {locale}", check=False,
                    timeout=300)
    said = root.path / out.lstrip("/") / "home-normal-1080x1920.txt"
    assert said.exists(), done.stderr
    return said.read_text(encoding="utf-8").splitlines(), done


def test_the_installed_kiosk_speaks_chinese(bookworm: Chroot) -> None:
    """The installed kiosk's home screen, rendered offscreen from the installed files, and what
    its widgets say: not one English word (and no fontconfig warning on Debian 12)."""
    said, done = _kiosk_home(bookworm, "zh_CN")
    assert done.returncode == 0, done.stderr
    english = [line for line in said if ENGLISH.search(line)]
    assert english == [], english
    assert "欢迎使用政务服务自助终端" in said and "取号" in said, said
    assert "no catalog" not in done.stderr and "reset-dirs" not in done.stderr, done.stderr
    shots = ROOT / "build" / "package-shots"
    shots.mkdir(parents=True, exist_ok=True)
    for png in (bookworm.path / "tmp" / "shots-zh_CN").glob("home-normal-*.png"):
        shutil.copy(png, shots / png.name)  # for the closing note's description
    print("\n[kiosk home, installed] " + " | ".join(said))
    # the check can fail: the same screen with the source strings is caught
    english_said, _ = _kiosk_home(bookworm, "en")
    assert any(ENGLISH.search(line) for line in english_said), english_said


def test_installed_help_and_errors_name_tingduan(bookworm: Chroot) -> None:
    helped = bookworm.run("tingduan --help 2>&1", check=False)
    assert helped.stdout.startswith("usage: tingduan "), helped.stdout
    for face in ("kiosk", "desk", "display"):
        assert f"\n    {face} " in helped.stdout, face
    unset = bookworm.run("tingduan ticket list --data-dir /tmp/nowhere", check=False)
    assert unset.returncode != 0 and "`tingduan setup" in unset.stderr, unset.stderr
    assert "python main.py" not in unset.stderr


def test_hub_certificate_covers_the_names_a_technician_gives(bookworm: Chroot) -> None:
    """The unit's own ExecStartPre, run as the service user with TINGDUAN_HUB_NAMES set as in
    /etc/default/tingduan-hub: the defaults on the first start, the LAN names added later, the
    names before kept; and `init-tls --host` by hand adds to them too."""
    unit = (bookworm.path / "lib/systemd/system/tingduan-hub.service").read_text()
    pre = next(line.split("=", 1)[1] for line in unit.splitlines()
               if line.startswith("ExecStartPre="))
    assert pre.startswith("/bin/sh -c '") and pre.endswith("'")
    script = pre[len("/bin/sh -c '"):-1].replace("$$", "$")  # systemd's unescaping
    hub = "/var/lib/tingduan/hub"
    (bookworm.path / "tmp" / "pre.sh").write_text(script + "\n")
    bookworm.run(f"install -d -o tingduan -g tingduan -m 0700 {hub}")

    def start(names: str) -> None:
        bookworm.run(f"runuser -u tingduan -- env TINGDUAN_HUB_NAMES='{names}' sh /tmp/pre.sh")

    def covered() -> set[str]:
        done = bookworm.run(f"runuser -u tingduan -- tingduan serve init-tls --data-dir {hub} --json")
        return set(json.loads(done.stdout)["hosts"])

    start("")
    first = covered()
    assert {"localhost", "127.0.0.1"} <= first
    start("192.0.2.2 hub.hall.example")
    assert covered() == first | {"192.0.2.2", "hub.hall.example"}
    bookworm.run(f"runuser -u tingduan -- tingduan serve init-tls --data-dir {hub} --host 10.9.8.7")
    assert covered() == first | {"192.0.2.2", "hub.hall.example", "10.9.8.7"}
    text = (bookworm.path / "etc/default/tingduan-hub").read_text()
    assert "TINGDUAN_HUB_NAMES" in text


def test_units_pass_systemd_analyze_verify(bookworm: Chroot) -> None:
    # verify resolves the units' dependencies (sysinit.target, …) inside the root
    bookworm.run("apt-get install -y -qq --no-install-recommends systemd >/dev/null")
    units = [f"/lib/systemd/system/tingduan-{n}.service" for n in ("hub", "sync")]
    done = sh("systemd-analyze", "verify", f"--root={bookworm.path}",
              *[str(bookworm.path) + u for u in units], check=False)
    assert done.returncode == 0, done.stderr
    problems = [line for line in done.stderr.splitlines() if "tingduan" in line]
    assert problems == [], problems


def test_remove_keeps_the_data_and_an_upgrade_opens_it(bookworm: Chroot, tmp_path: Path) -> None:
    data = "/var/lib/tingduan/terminal"
    bookworm.run(f"install -d -o tingduan -g tingduan -m 0700 {data} && "
                 f"runuser -u tingduan -- tingduan setup --hall H1 --terminal K9 --data-dir {data} "
                 f"&& for i in 1 2 3; do runuser -u tingduan -- tingduan ticket take --service "
                 f"newborn --data-dir {data} >/dev/null; done")
    bookworm.run(f"dpkg -r {APPID}")
    assert not (bookworm.path / "usr" / "bin" / "tingduan").exists()
    assert (bookworm.path / data.lstrip("/") / "hall.db").exists()
    assert (bookworm.path / data.lstrip("/") / "keys" / "store.key").exists()
    # the same package again, as a newer version: installs over it and opens the kept store
    installed = sh("dpkg-deb", "-f", str(_deb()), "Version").stdout.strip()
    newer = _rebuilt_as(_deb(), f"{installed}+upgrade1", tmp_path)
    bookworm.install(newer)
    done = bookworm.run(f"runuser -u tingduan -- tingduan admin check --json --data-dir {data}")
    assert json.loads(done.stdout)["check"]["ok"] is True
    listed = bookworm.run(f"runuser -u tingduan -- tingduan ticket list --json --data-dir {data}")
    assert len(json.loads(listed.stdout)["tickets"]) == 3


def _rebuilt_as(deb: Path, version: str, where: Path) -> Path:
    tree = where / "tree"
    sh("dpkg-deb", "-R", str(deb), str(tree))
    control = tree / "DEBIAN" / "control"
    text = control.read_text()
    old = next(line for line in text.splitlines() if line.startswith("Version:"))
    control.write_text(text.replace(old, f"Version: {version}"))
    out = where / f"{APPID}_{version}_amd64.deb"
    sh("dpkg-deb", "--root-owner-group", "-Zxz", "-z1", "--build", str(tree), str(out))
    return out


def test_debian_11_root_installs_and_runs_it(tmp_path: Path) -> None:
    root = Chroot("bullseye", tmp_path)
    try:
        seconds = root.install(_deb())
        print(f"\n[figures] apt-get install into a clean Debian 11 root: {seconds:.1f} s")
        glibc = root.run("ldd --version | head -1").stdout.strip()
        done = root.run("cd / && tingduan demo --headless --data-dir /tmp/demo")
        assert "day: issued" in done.stdout, (glibc, done.stderr)
    finally:
        root.close()


def test_a_store_made_by_main_opens_under_the_package(bookworm: Chroot, tmp_path: Path) -> None:
    """A populated store of the previous release (PACKAGE_BASE, default the last landed commit
    before this package existed, schema 0003): the installed program migrates it on first open
    (to the head), and every ticket is there."""
    base = os.environ.get("PACKAGE_BASE", "9135abd")  # stop 7's landing: the previous release
    src = tmp_path / "main"
    src.mkdir()
    sh("sh", "-c", f"git archive {base} | tar -x -C {src}", cwd=ROOT)
    python = str(ROOT / ".venv" / "bin" / "python")
    data = bookworm.path / "var" / "lib" / "tingduan" / "from-main"
    clean = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    sh(python, "main.py", "setup", "--hall", "H1", "--terminal", "K7", "--standalone",
       "--data-dir", str(data), cwd=src, env=clean)
    for _ in range(4):
        sh(python, "main.py", "ticket", "take", "--service", "newborn", "--data-dir", str(data),
           cwd=src, env=clean)
    bookworm.run("chown -R tingduan:tingduan /var/lib/tingduan/from-main")
    done = bookworm.run("runuser -u tingduan -- tingduan admin check --json "
                        "--data-dir /var/lib/tingduan/from-main")
    assert json.loads(done.stdout)["check"]["ok"] is True
    listed = bookworm.run("runuser -u tingduan -- tingduan ticket list --json "
                          "--data-dir /var/lib/tingduan/from-main")
    assert [t["number"] for t in json.loads(listed.stdout)["tickets"]] == ["A001", "A002", "A003", "A004"]


def test_purge_removes_settings_and_enable_links_but_keeps_data(bookworm: Chroot) -> None:
    """Last of the module: it purges the package from the shared root."""
    wants = "/etc/systemd/system/multi-user.target.wants"
    bookworm.run(f"mkdir -p {wants} && ln -sf /lib/systemd/system/tingduan-hub.service {wants}/ "
                 "&& echo kiosk > /etc/tingduan/autostart "
                 "&& install -d -o tingduan -g tingduan /var/lib/tingduan/hub")
    bookworm.run(f"dpkg --purge {APPID}")
    for gone in ("etc/tingduan", "etc/default/tingduan-hub", f"{wants.lstrip('/')}/tingduan-hub.service",
                 "etc/xdg/autostart/tingduan-kiosk.desktop"):
        assert not (bookworm.path / gone).exists() and not (bookworm.path / gone).is_symlink(), gone
    assert (bookworm.path / "var/lib/tingduan/hub").is_dir()
