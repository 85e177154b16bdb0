"""The catalog: built from the seed plan; bad files refused with file, line and reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hall.catalog import DEFAULT_CATALOG, load_catalog
from hall.errors import CatalogError
from tests.conftest import ROOT

SEED = ROOT.parent / "shared" / "catalog" / "yijianshi.json"


def test_all_fifteen_bundles_with_their_matters() -> None:
    catalog = load_catalog()
    bundles = [s for s in catalog.services if s.bundle]
    assert len(bundles) == 15
    if SEED.exists():
        seed = json.loads(SEED.read_text(encoding="utf-8"))
        assert [b.name for b in bundles] == [b["name"] for b in seed["bundles"]]
        assert sum(len(b.matters) for b in bundles) == sum(len(b["matters"]) for b in seed["bundles"])
    assert all(s.sample for s in catalog.services if s.materials)  # materials are sample data


def test_resource_is_what_the_builder_makes() -> None:
    if not SEED.exists():
        pytest.skip("../shared/catalog is not beside this checkout")
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_catalog", ROOT / "scripts/build_catalog.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert json.loads(DEFAULT_CATALOG.read_text(encoding="utf-8")) == module.build()


def broken(tmp_path: Path, old: str, new: str) -> Path:
    text = DEFAULT_CATALOG.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "catalog.json"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ('"series": "C"', '"series": "c"', "series must be one capital letter"),
        ('"id": "consultation"', '"id": "newborn"', "duplicate service id 'newborn'"),
        ('"name": "综合咨询"', '"name": ""', "'name' must be a non-empty string"),
        ('"series": "E"', '"series": "Z"', "series 'Z' is not declared"),
    ],
)
def test_bad_catalog_names_file_line_and_reason(tmp_path: Path, old: str, new: str,
                                                reason: str) -> None:
    path = broken(tmp_path, old, new)
    with pytest.raises(CatalogError) as err:
        load_catalog(path)
    message = err.value.message
    assert message.startswith(f"{path}:") and reason in message
    line = int(message.split(":")[1])
    # the line named is the opening of the offending service object
    assert path.read_text(encoding="utf-8").splitlines()[line - 1].strip() == "{"
    text = DEFAULT_CATALOG.read_text(encoding="utf-8")
    changed = text.count("\n", 0, text.index(old)) + 1
    assert 0 < changed - line < 12


def test_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = broken(tmp_path, '"bundle": false', '"bundle": fals')
    with pytest.raises(CatalogError, match=rf"{path}:\d+: not valid JSON"):
        load_catalog(path)
    with pytest.raises(CatalogError, match="cannot read"):
        load_catalog(tmp_path / "missing.json")
