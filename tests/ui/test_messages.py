"""Error codes → Chinese sentences: every code the core, the devices and sync can raise has one,
so a clerk never reads English; an unknown code still gets Chinese (with the code)."""

from __future__ import annotations

import ast
import re

import pytest

from devices.errors import PaperOut
from hall.errors import DomainError
from tests.conftest import ROOT
from ui import messages
from ui.app import Shell

CJK = re.compile(r"[\u4e00-\u9fff]")


def _string_constants(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _string_constants(node.body) + _string_constants(node.orelse)
    if isinstance(node, ast.BoolOp):
        return [c for v in node.values for c in _string_constants(v)]
    return []


def raised_codes() -> dict[str, str]:
    """Every error code written in hall/, devices/, sync/ (`code="…"` arguments and `code =`
    class attributes), with a file that has it."""
    found: dict[str, str] = {}
    for package in ("hall", "devices", "sync"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                values: list[str] = []
                if isinstance(node, ast.keyword) and node.arg == "code":
                    values = _string_constants(node.value)
                elif isinstance(node, ast.ClassDef):
                    for stmt in node.body:
                        if isinstance(stmt, ast.Assign) and any(
                                isinstance(t, ast.Name) and t.id == "code" for t in stmt.targets):
                            values += _string_constants(stmt.value)
                for value in values:
                    found.setdefault(value, str(path.relative_to(ROOT)))
    return found


def test_every_code_the_core_raises_has_a_sentence() -> None:
    codes = raised_codes()
    assert len(codes) > 60  # the scan works
    missing = {code: where for code, where in codes.items() if code not in messages.CATALOG}
    assert not missing, f"add these codes to ui/messages.py (and translate them): {missing}"


def test_sentences_are_chinese(shell: Shell) -> None:
    for code in messages.CATALOG:
        text = messages.text(code)
        assert CJK.search(text), (code, text)
        assert not re.search(r"[A-Za-z]{4,}", text), (code, text)  # no English words left


def test_unknown_code_is_generic_chinese_with_the_code(shell: Shell) -> None:
    text = messages.text("quantum_flux")
    assert "quantum_flux" in text and CJK.search(text)


def test_params_fill_the_longer_sentence(shell: Shell) -> None:
    assert messages.text("locked_out", {"seconds": 30}) == "错误次数过多，请 30 秒后再试。"
    # without the params it needs: the plain sentence, never a "{seconds}" on screen
    assert messages.text("locked_out", {"user": "x"}) == "错误次数过多，请稍后再试。"
    assert messages.text("locked_out") == "错误次数过多，请稍后再试。"


@pytest.mark.parametrize(("error", "expected"), [
    (DomainError("nothing waiting for window 3", code="nothing_waiting"), "本窗口当前没有等候的号码。"),
    (PaperOut("打印机 tcp://x 缺纸"), "打印机缺纸，您的号码已显示在屏幕上。"),
    (ValueError("a bug"), "程序内部出错，请重试或联系大厅工作人员。"),
])
def test_for_error_uses_the_code_never_the_message(shell: Shell, error: BaseException,
                                                   expected: str) -> None:
    assert messages.for_error(error) == expected

