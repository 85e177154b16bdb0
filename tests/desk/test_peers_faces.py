"""What the faces say without the hub (sync/peering.py through ui/sync_state.py): a desk that
does not hear every terminal says "可能不完整: …" on its queue panel; the call screen's banner is
for a screen that hears no one, not for one that hears the desks directly."""

from __future__ import annotations

from dataclasses import replace

from pytestqt.qtbot import QtBot

from desk.queue_panel import QueuePanel
from desk.state import QueueState
from display.board import CallBoard
from ui.app import Shell
from ui.sync_state import SyncState

AWAY = SyncState(enrolled=True, online=False, pending=0, last_success_ms=None, failing=True)


def _state(sync: SyncState) -> QueueState:
    return QueueState(window="1", services=None, current=None, parked=(), upcoming=(),
                      waiting=(), help=(), sync=sync)


def test_a_desk_that_cannot_hear_every_peer_says_so(shell: Shell, qtbot: QtBot) -> None:
    panel = QueuePanel()
    qtbot.addWidget(panel)
    panel.show()
    panel.show_state(_state(replace(AWAY, whole_queue=True)))  # every peer heard
    assert panel.incomplete.isHidden()
    panel.show_state(_state(replace(AWAY, whole_queue=False, unheard=("K1", "D2"))))
    assert not panel.incomplete.isHidden()
    assert panel.incomplete.text().startswith("可能不完整: ")
    assert "K1, D2" in panel.incomplete.text()
    panel.show_state(_state(replace(AWAY, whole_queue=False, hears_anyone=False)))
    assert "只显示本机" in panel.incomplete.text()
    panel.show_state(_state(SyncState(True, True, 0, None)))  # the hub is back
    assert panel.incomplete.isHidden()


def test_the_call_screen_warns_only_when_it_hears_no_one(shell: Shell, qtbot: QtBot) -> None:
    board = CallBoard("H1")
    qtbot.addWidget(board)
    board.show()
    board.show_sync(replace(AWAY, hears_anyone=True, whole_queue=False, unheard=("D2",)))
    assert board.status.isHidden()
    board.show_sync(replace(AWAY, hears_anyone=False, whole_queue=False))
    assert not board.status.isHidden()
