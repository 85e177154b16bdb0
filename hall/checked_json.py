"""JSON configuration files a person edits, each validated by one pydantic model — once per content.

A wrong value (a string where a number belongs, a null, an unknown key, broken JSON) is refused
as `file: field: reason` (a ConfigError: exit 2 in the CLI), never kept in the wrong type.

Importing pydantic costs ~50–80 ms, more than the CLI's hot path (`ticket take`) may spend, so a
file is validated only when its content is new: the model's normalized result is kept in
`.checked/<file>` beside it, under the SHA-256 of the model's revision tag and the file's bytes.
A later load of the same bytes reads that result without importing pydantic; any change of the
file, or of the model (its tag), validates again. The cache is a convenience, never a source:
deleting `.checked/` only costs one validation.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

from hall.errors import ConfigError

CHECKED_DIR = ".checked"


class Spec:
    """A configuration file and its model (a plain class: this module is on the hot path)."""

    __slots__ = ("filename", "model", "tag")

    def __init__(self, filename: str, model: str, tag: str) -> None:
        self.filename = filename
        self.model = model  # "module:Class" of the pydantic model; imported only to validate
        self.tag = tag  # the model's revision: tests/hall/test_config_files.py checks it


def source_tag(module_name: str) -> str:
    """The revision tag of a model module: a digest of its source (the tests compare)."""
    import importlib.util

    spec = importlib.util.find_spec(module_name)
    if spec is None or spec.origin is None:
        raise LookupError(module_name)
    return hashlib.sha256(Path(spec.origin).read_bytes()).hexdigest()[:16]


def load(folder: Path, spec: Spec) -> dict[str, Any] | None:
    """The file's validated content (normalized, with defaults), or None when there is none."""
    path = folder / spec.filename
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ConfigError(f"{path}: unreadable ({exc.strerror or exc})") from exc
    key = key_of(spec, body)
    known = _recall(folder, spec.filename, key)
    if known is not None:
        return known
    data = validate(path, body, spec)
    remember(folder, spec.filename, key, data)
    return data


def validate(path: Path, body: bytes, spec: Spec) -> dict[str, Any]:
    """The slow path: parse and validate with the model (strict: no value changes type)."""
    try:
        raw = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}: line {exc.lineno} column {exc.colno}: not valid JSON: "
                          f"{exc.msg}") from exc
    return validate_data(path, raw, spec)


def validate_data(path: Path, raw: object, spec: Spec) -> dict[str, Any]:
    import importlib

    from pydantic import ValidationError

    module_name, _, name = spec.model.partition(":")
    model = getattr(importlib.import_module(module_name), name)
    try:
        checked = model.model_validate(raw, strict=True)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {problems(exc.errors())}") from None
    data: dict[str, Any] = checked.model_dump(mode="json")
    return data


def problems(errors: list[Any]) -> str:
    """`field: reason` for each error, without the value (it may be a secret)."""
    out = []
    for e in errors:
        where = ".".join(str(p) for p in e.get("loc", ())) or "(the whole file)"
        reason = str(e.get("msg", "invalid"))
        if reason.startswith("Value error, "):
            reason = reason.removeprefix("Value error, ")
        if e.get("type", "").endswith("_type") and "input" in e:
            reason += f" (got {_kind(e['input'])})"
        out.append(f"{where}: {reason}")
    return "; ".join(out)


def _kind(value: object) -> str:
    if value is None:
        return "null"
    return {bool: "true/false", str: "a string", int: "a whole number", float: "a number",
            list: "a list", dict: "an object"}.get(type(value), type(value).__name__)


def _cache_file(folder: Path, filename: str) -> Path:
    return folder / CHECKED_DIR / filename


def _recall(folder: Path, filename: str, key: str) -> dict[str, Any] | None:
    try:
        kept = json.loads(_cache_file(folder, filename).read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(kept, dict) or kept.get("key") != key or not isinstance(
            kept.get("data"), dict):
        return None
    data: dict[str, Any] = kept["data"]
    return data


def remember(folder: Path, filename: str, key: str, data: dict[str, Any]) -> None:
    """Keep a validated result (atomically; a data dir we cannot write just validates again)."""
    target = _cache_file(folder, filename)
    tmp = target.with_name(f".{filename}.{os.getpid()}.tmp")
    try:
        target.parent.mkdir(exist_ok=True)
        tmp.write_text(json.dumps({"key": key, "data": data}, ensure_ascii=False),
                       encoding="utf-8")
        os.replace(tmp, target)
    except OSError:
        tmp.unlink(missing_ok=True)


def key_of(spec: Spec, body: bytes) -> str:
    return hashlib.sha256(spec.tag.encode() + b"\0" + body).hexdigest()
