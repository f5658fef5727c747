"""Distinct counts (active readers, titles...) read through the frozen months equal the same
figures counted from the event log."""

from datetime import date

from sqlalchemy import select, update

from libsys.extensions import db as _db
from libsys.stats.events import record_event
from libsys.stats.freezing import freeze_closed_months, freeze_month
from libsys.stats.indicators import INDICATORS, Figures
from libsys.stats.indicators.distinct import (
    DISTINCT_CODES,
    StatDistinct,
    StatSeen,
    distinct_figure,
    used_copies_statement,
)
from libsys.stats.indicators.queries import BREAKDOWNS
from libsys.stats.models import Event
from libsys.stats.periods import parse_period
from libsys.stats.scope import level_scope, library_scope, network_scope
from libsys.stats.services import indicator_values
from tests.stats.conftest import library

PERIODS = ("2025", "2025-01-01..2025-08-20", "2025-H2", "2025-04", "2024-06")


def _all(text, scope, breakdowns):
    return {
        breakdown: {
            value.indicator.code: (value.value, value.breakdown)
            for value in indicator_values(parse_period(text), scope, breakdown=breakdown)
        }
        for breakdown in breakdowns
    }


def _visit(day: date, key: str) -> None:
    """A card visit at Tam Đường by the reader of this pseudonym."""
    event_id = record_event("visit", library=library("TVTD"), day=day)
    _db.session.execute(update(Event).where(Event.id == event_id).values(reader_key=key))


def _scopes():
    return {"TVTD": library_scope("TVTD"), "network": network_scope(),
            "commune": level_scope("commune")}  # fmt: skip


def test_a_years_figures_through_the_frozen_months_equal_the_log(db, history):
    breakdowns = (None, *BREAKDOWNS)
    live = {
        (text, name): _all(text, scope, breakdowns)
        for text in PERIODS
        for name, scope in _scopes().items()
    }
    assert live[("2025", "TVTD")][None]["active_readers"][0] == 2
    freeze_closed_months(parse_period("2024-01-01..2025-12-31"))
    assert db.session.query(StatDistinct).count() > 0
    assert db.session.query(StatSeen).count() > 0
    # The frozen path answers (it is not the log again) for the year and for a month.
    for text in ("2025", "2025-04"):
        figures = Figures(parse_period(text), library_scope("TVTD"))
        for code in DISTINCT_CODES:
            assert distinct_figure(figures, INDICATORS[code], None) is not None, (text, code)
    for (text, name), before in live.items():
        after = _all(text, _scopes()[name], breakdowns)
        for breakdown in breakdowns:
            assert after[breakdown] == before[breakdown], (text, name, breakdown)


def test_the_open_days_add_only_readers_not_seen_in_the_frozen_months(db, history):
    freeze_closed_months(parse_period("2025-01-01..2025-06-30"))
    a_visit_in_march = next(
        key for key in db.session.scalars(select(StatSeen.member).where(
            StatSeen.indicator == "active_readers", StatSeen.year == 2025))
    )  # fmt: skip
    period = "2025-01-01..2025-07-31"
    before = _all(period, library_scope("TVTD"), (None, "month"))
    assert before[None]["active_readers"][0] == 2
    # A reader seen in March comes again in July: still two readers; a new one makes three.
    _visit(date(2025, 7, 20), a_visit_in_march)
    _visit(date(2025, 7, 21), "new-reader")
    after = _all(period, library_scope("TVTD"), (None, "month"))
    assert after[None]["active_readers"][0] == 3
    live = Figures(parse_period(period), library_scope("TVTD"), live=True)
    assert after["month"]["active_readers"][1] == live.get("active_readers", "month")[1]


def test_freezing_a_month_again_recounts_the_year(db, history):
    freeze_closed_months(parse_period("2025"))
    _visit(date(2025, 4, 2), "late")
    # The frozen months keep what was counted until the month is frozen again.
    assert _all("2025", library_scope("TVTD"), (None,))[None]["active_readers"][0] == 2
    freeze_month(2025, 4, again=True)
    values = _all("2025", library_scope("TVTD"), (None, "month"))
    assert values[None]["active_readers"][0] == 3
    assert values["month"]["active_readers"][1]["2025-04"] == 2
    freeze_month(2025, 4, again=True)
    assert _all("2025", library_scope("TVTD"), (None,))[None]["active_readers"][0] == 3


def test_copies_used_in_the_open_days_join_those_of_the_frozen_months(db, history):
    """The share of stock not used over a year so far: the copies seen in the frozen months
    and those used in the open days make one set; a copy used in both counts once."""
    i1, _i2, _i3, _i4, i5 = history["copies"]
    freeze_closed_months(parse_period("2025-01-01..2025-06-30"))
    period = parse_period("2025-01-01..2025-07-31")
    # Seven copies held on 31/07; used by then: i1, i2, i3, i4 and the province's: 2 unused.
    assert Figures(period, network_scope()).get("stock_not_used")[0] == 28.6
    # i1, used in March and June, again in July; i5, never used, in July.
    record_event("checkout", library=library("TVTD"), item=i1, day=date(2025, 7, 15))
    record_event("inhouse_use", library=library("TVTD"), item=i5, day=date(2025, 7, 16))
    frozen = Figures(period, network_scope())
    assert used_copies_statement(frozen, select(Event.id)) is not None
    assert frozen.get("stock_not_used")[0] == 14.3
    live = Figures(period, network_scope(), live=True)
    assert live.get("stock_not_used")[0] == 14.3
