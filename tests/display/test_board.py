"""The call screen as a full 1920×1080 panel: the number readable across the hall (its digits
at least a fifth of the screen's height), the hall's name whole at a narrow size, and a voice
that cannot be heard said on the screen."""

from __future__ import annotations

from PySide6.QtGui import QFontMetrics
from pytestqt.qtbot import QtBot

from display.board import CallBoard
from display.samples import sample
from ui.app import Shell


def _board(qtbot: QtBot, width: int, height: int, hall: str = "十堰市政务服务中心") -> CallBoard:
    state = sample()
    board = CallBoard(hall, [])
    qtbot.addWidget(board)
    board.resize(width, height)
    board.show()
    board.show_call(state.last[0])
    board.show_waiting(state.waiting)
    qtbot.waitExposed(board)
    qtbot.wait(50)  # the layout settles
    return board


def test_the_number_is_a_fifth_of_the_screen(normal_mode: Shell, qtbot: QtBot) -> None:
    board = _board(qtbot, 1920, 1080)
    board.number.setText("A001")
    qtbot.wait(50)
    digits = QFontMetrics(board.number.font()).tightBoundingRect("A001").height()
    assert digits >= 1080 / 5, digits
    window = QFontMetrics(board.where.font()).tightBoundingRect(board.where.text()).height()
    assert window >= 1080 / 15, window
    # the number and the window stay inside their card, whole
    assert board.number.height() >= QFontMetrics(board.number.font()).height() * 0.95
    assert board.width() == 1920
    # and the rest still has its room: who waits is on the screen, below the call
    cell = board.waiting.cells[0]
    assert cell.isVisible() and cell.height() >= cell.minimumSizeHint().height()
    assert cell.mapTo(board, cell.rect().bottomLeft()).y() <= 1080


def test_the_halls_name_is_whole_at_a_narrow_size(normal_mode: Shell, qtbot: QtBot) -> None:
    name = "十堰市茅箭区政务服务中心（和平路大厅）"
    board = _board(qtbot, 640, 900, name)
    assert board.hall.text() == name and board.hall.wordWrap()
    assert board.width() == 640  # wrapped, never widening the window


def test_a_voice_that_cannot_be_heard_is_said(normal_mode: Shell, qtbot: QtBot) -> None:
    board = _board(qtbot, 1920, 1080)
    board.show_voice("no_sound_device")
    assert board.voice.isVisible() and "未检测到声音设备" in board.voice.text()
    board.show_voice(None)
    assert not board.voice.isVisible()
