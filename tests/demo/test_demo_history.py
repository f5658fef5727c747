"""The demo's two years of history: the report viewer's dashboard shows a believable year."""

import re
from datetime import date, datetime, time
from html import unescape

import pytest
from sqlalchemy import distinct, func, select

from libsys.stats.models import Event
from tests.factories import sign_in

DEMO_PASSWORD = "libsys-demo"


def _load(db, monkeypatch, day):
    import libsys.core.clock as clock
    from libsys.demo import load_demo

    if day is not None:
        monkeypatch.setattr(clock, "local_now", lambda: datetime.combine(day, time(1, 30)))
    load_demo(reader_count=120)
    return clock.local_today()


def _page(client, query=""):
    response = client.get(f"/staff/stats/{query}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _number(cell: str) -> float:
    """A figure as the page writes it (1.234,5) as a number."""
    text = re.sub(r"<[^>]+>", " ", cell)
    text = unescape(text).strip().split()[0]
    return float(text.replace(".", "").replace(",", "."))


def _cells(html: str, code: str) -> list[str]:
    body = re.search(rf'<tr data-code="{code}">(.*?)</tr>', html, re.S).group(1)
    return re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", body, re.S)


def _statuses(html: str) -> dict[str, str]:
    """Each targeted indicator's status class on the page."""
    found = re.findall(r'<li class="target status-(\w+)">\s*<h3 id="t-(\w+)"', html)
    return {code: status for status, code in found}


def _months_shown(html: str, caption: str) -> dict[int, tuple[float, float]]:
    """A monthly chart's table for screen readers: {month: (this year, last year)}."""
    table = re.search(rf"<caption>{caption}</caption>(.*?)</table>", html, re.S).group(1)
    rows = re.findall(r'<th scope="row">(\d+)</th><td>(.*?)</td><td>(.*?)</td>', table)
    return {int(month): (_number(this), _number(last)) for month, this, last in rows}


@pytest.mark.parametrize("day", [None, date(2027, 3, 2)], ids=["today", "early-march"])
def test_the_viewer_sees_a_year_of_visits_and_loans_against_last_year(db, client, monkeypatch, day):
    from libsys.stats.dashboard import BEHIND, ON_TRACK, dashboard, year_elapsed, year_so_far
    from libsys.stats.scope import library_scope, network_scope

    today = _load(db, monkeypatch, day)
    first = db.session.scalar(select(func.min(Event.day)).where(Event.kind == "checkout"))
    assert first.year == today.year - 1
    sign_in(client, "baocao", DEMO_PASSWORD)
    elapsed = year_elapsed(year_so_far(today.year, today))
    statuses = {}
    for query, scope in (("", network_scope()), ("?library=TVTD", library_scope("TVTD")),
                         ("?library=TVLC", library_scope("TVLC"))):  # fmt: skip
        html = _page(client, query)
        for code in ("visits", "loans", "document_uses", "active_readers"):
            assert _number(_cells(html, code)[1]) > 0, (query, code)
            assert _number(_cells(html, code)[5]) > 0, (query, code, "last year")
        this_year, last_year = (_number(_cells(html, "visits")[i]) for i in (1, 5))
        growth = _number(_cells(html, "visits_growth")[1])
        assert growth == pytest.approx((this_year - last_year) * 100 / last_year, abs=0.06)
        assert 0 < growth < 15, "last year a little lower, as the plans ask"
        # Every month gone by this year has visits and loans, on the page and in the service.
        past = range(1, today.month)
        for caption in ("Lượt bạn đọc theo tháng", "Lượt mượn theo tháng"):
            shown = _months_shown(html, caption)
            assert all(shown[month][0] > 0 and shown[month][1] > 0 for month in past), caption
        board = dashboard(today.year, scope, today)
        assert all(board.line("visits").months[month] > 0 for month in past)
        # Each targeted total's status is what its value says against the share of its target
        # due by now (a level against the target itself).
        shown = _statuses(html)
        for line in board.targeted:
            if line.value is None or line.target_min is None:
                continue
            due = line.target_min * (elapsed if line.cumulative else 1.0)
            pace = line.value / due
            expected = (
                "on_track" if pace >= ON_TRACK else "behind" if pace >= BEHIND else "far_behind"
            )
            assert shown[line.code] == expected, (query, line.code, line.value, due)
            statuses[(query, line.code)] = expected
    assert "on_track" in statuses.values()
    assert {"behind", "far_behind"} & set(statuses.values())
    # Visits, the plans' main figure: some library is on track for them and some is not.
    visits = {query: status for (query, code), status in statuses.items() if code == "visits"}
    assert "on_track" in visits.values() and set(visits.values()) - {"on_track"}


def test_the_history_names_no_copy_and_counts_nothing_twice(db, client, monkeypatch):
    today = _load(db, monkeypatch, None)
    history = Event.details["demo_history"].as_boolean().is_(True)
    named = db.session.scalar(
        select(func.count(Event.id)).where(history, Event.item_id.is_not(None))
    )
    assert named == 0
    # A pseudonym only where no title is named (visits); loans carry none.
    assert not db.session.scalar(
        select(func.count(Event.id)).where(
            history, Event.reader_key.is_not(None), Event.record_id.is_not(None)
        )
    )
    assert db.session.scalar(
        select(func.count(distinct(Event.reader_key))).where(history, Event.kind == "visit")
    )
    # The desk's visits and loans today, the catalogue's acquisitions last month: none of
    # the history falls on or after the first day the other parts wrote that kind.
    for kind in ("visit", "checkout", "item_acquired"):
        other = db.session.scalar(select(func.min(Event.day)).where(Event.kind == kind, ~history))
        last = db.session.scalar(select(func.max(Event.day)).where(Event.kind == kind, history))
        assert last < other <= today, kind
    # Every closed month is frozen: the dashboard reads snapshots.
    from libsys.stats.months import frozen_months

    frozen = frozen_months()
    assert (today.year - 1, 1) in frozen
    previous = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    assert previous in frozen and (today.year, today.month) not in frozen
