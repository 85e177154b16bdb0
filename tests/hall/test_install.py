"""`pip install .` into a fresh venv: the wheel carries the catalog, the migrations and the
`tingduan` entry point, and the installed program runs far from any checkout.

The wheel is installed without its dependencies (those would take minutes to download); the
fresh venv reaches them through a path file to this venv's site-packages, which comes after its
own, so every module of ours is the installed copy."""

from __future__ import annotations

import json
import os
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _run(*cmd: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True,
                          timeout=240, env=env)
    assert done.returncode == 0, f"{cmd}: {done.stdout}\n{done.stderr}"
    return done.stdout


def test_pip_install_into_a_fresh_venv_loads_the_catalog(tmp_path: Path) -> None:
    src = tmp_path / "src"
    listed = _run("git", "ls-files", "-co", "--exclude-standard", cwd=ROOT).splitlines()
    for name in listed:
        if (ROOT / name).is_file() and not name.startswith(("tests/", "bench/", "docs/")):
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, src / name)
    wheels = tmp_path / "wheels"
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", wheels, src, cwd=tmp_path)
    wheel = next(wheels.glob("tingduan-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for need in ("resources/catalog.json", "hall/store/migrations/env.py",
                 "hall/store/migrations/script.py.mako",
                 "hall/store/migrations/versions/0001_initial.py"):
        assert need in names, need
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "tingduan = cli:main" in zipfile.ZipFile(wheel).read(entry).decode()

    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    _run(venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps", wheel, cwd=tmp_path)
    fresh_site = Path(_run(venv / "bin" / "python", "-c",
                           "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                           cwd=tmp_path).strip())
    (fresh_site / "zz-dependencies.pth").write_text(
        "\n".join(p for p in site.getsitepackages() if "site-packages" in p) + "\n")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TINGDUAN_DATA_DIR")}
    where = _run(venv / "bin" / "python", "-c",
                 "import hall.catalog as c, hall.store.migrate as m, alembic.util as u; "
                 "print(c.DEFAULT_CATALOG); print(u.coerce_resource_to_filename(m.SCRIPT_LOCATION))",
                 cwd=tmp_path, env=env).split()
    assert all(Path(p).is_relative_to(fresh_site) for p in where), where
    data = tmp_path / "data"
    _run(venv / "bin" / "tingduan", "setup", "--hall", "H1", "--terminal", "K1", "--standalone",
         "--data-dir", data, cwd=tmp_path, env=env)
    services = json.loads(_run(venv / "bin" / "tingduan", "services", "--json", "--data-dir", data,
                               cwd=tmp_path, env=env))
    assert len(services["services"]) > 10
    taken = json.loads(_run(venv / "bin" / "tingduan", "ticket", "take", "--service", "newborn",
                            "--json", "--data-dir", data, cwd=tmp_path, env=env))
    assert taken["ticket"]["number"] == "A001"
