"""The desk's figures page shows the 好差评 per window, clerk and department and how the 差评
follow-ups went (issue 27), from the hall's figures of the day."""

from __future__ import annotations

from hall.actors import Actor
from hall.app import Hall
from ui.app import Shell


def test_the_figures_page_shows_ratings_per_window_and_clerk(shell: Shell, make_hall) -> None:
    from desk.figures import FiguresPanel
    from desk.state import read_figures

    hall: Hall = make_hall()
    clerk = Actor.account("li", "clerk", "3")
    pw = "figures-test-2026"
    hall.first_admin("admin", pw).accounts.add("zhao", "supervisor", pw)
    for grade in (5, 1):
        t = hall.tickets.take(hall.kiosk(), "newborn").value
        hall.tickets.call_next(clerk, "3")
        hall.tickets.done(clerk, t.id)
        hall.rater_session("3").ratings.rate(t.id, grade)
    panel = FiguresPanel()
    panel.show_figures(read_figures(hall.sign_in("zhao", pw)), can_export=True)
    cells = [[panel.ratings_table.item(r, c).text() for c in range(5)]
             for r in range(panel.ratings_table.rowCount())]
    # and per department: newborn's four (no case: its parts in the catalog), each both ratings
    assert cells[:2] == [["3号窗口", "2", "3.00", "1", "50%"], ["li", "2", "3.00", "1", "50%"]]
    assert sorted(cells[2:]) == sorted([f"部门：{d}", "2", "3.00", "1", "50%"]
                                       for d in ("市卫健委", "市公安局", "市人社局", "市医保局"))
    assert "新增 1 件" in panel.follow_caption.text() and "逾期 0 件" in panel.follow_caption.text()
    row = [panel.follow.item(0, c).text() for c in range(6)]
    assert (row[0], row[4:]) == ("A002", ["3", "li"])
