"""Closed months frozen as snapshots: the same figures, kept when the log changes later."""

from datetime import date

import pytest

from libsys.core.clock import local_today
from libsys.stats.events import record_event
from libsys.stats.freezing import freeze_closed_months, freeze_month, month_changes
from libsys.stats.periods import parse_period
from libsys.stats.scope import library_scope, network_scope
from libsys.stats.services import indicator_values
from tests.stats.conftest import library
from tests.stats.test_indicators import EXPECTED_TVTD_2025


def _values(text, scope, **options):
    values = indicator_values(parse_period(text), scope, **options)
    return {value.indicator.code: value for value in values}


def test_frozen_months_give_the_same_figures(history):
    live = {
        breakdown: _values("2025", library_scope("TVTD"), breakdown=breakdown)
        for breakdown in (None, "library", "month", "reader_category", "class", "gender")
    }
    frozen = freeze_closed_months(parse_period("2024-01-01..2025-12-31"))
    assert len(frozen) == 24
    assert freeze_closed_months(parse_period("2025")) == []  # once only
    values = _values("2025", library_scope("TVTD"))
    assert {code: value.value for code, value in values.items()} == EXPECTED_TVTD_2025
    for breakdown, before in live.items():
        after = _values("2025", library_scope("TVTD"), breakdown=breakdown)
        assert {c: v.breakdown for c, v in after.items()} == {
            c: v.breakdown for c, v in before.items()
        }, breakdown
    assert _values("2025", network_scope(), codes=["visits"])["visits"].value == 112
    # A range of days mixes frozen months with days counted live.
    part = _values("2025-03-03..2025-05-04", library_scope("TVTD"), codes=["visits"])
    assert part["visits"].value == 8


def test_a_late_event_shows_as_a_change_until_refrozen(history):
    freeze_month(2025, 4)
    record_event("visit", library=library("TVTD"), day=date(2025, 4, 30), quantity=4,
                 reader_category="adults")  # fmt: skip
    assert _values("2025-04", library_scope("TVTD"), codes=["visits"])["visits"].value == 6
    changes = month_changes(2025, 4)
    assert {"indicator": "visits", "library": "TVTD", "breakdown": "", "group": "",
            "frozen": 6, "now": 10} in changes  # fmt: skip
    freeze_month(2025, 4, again=True)
    assert month_changes(2025, 4) == []
    assert _values("2025-04", library_scope("TVTD"), codes=["visits"])["visits"].value == 10


def test_the_current_month_is_always_counted_live(history):
    today = local_today()
    assert freeze_month(today.year, today.month) == 0  # not closed
    record_event("visit", library=library("TVTD"), quantity=2, reader_category="adults")
    freeze_closed_months()
    month = today.strftime("%Y-%m")
    assert _values(month, library_scope("TVTD"), codes=["visits"])["visits"].value == 2


@pytest.mark.parametrize("code", ["active_readers", "holdings_copies", "acquired_titles"])
def test_figures_that_do_not_add_up_are_always_computed(history, code):
    freeze_closed_months(parse_period("2025"))
    assert _values("2025", library_scope("TVTD"))[code].value == EXPECTED_TVTD_2025[code]


def test_the_commands(app, history):
    runner = app.test_cli_runner()
    frozen = runner.invoke(args=["stats", "freeze", "--period", "2025-H1"])
    assert frozen.exit_code == 0, frozen.output
    assert "frozen 2025-01" in frozen.output and "frozen 2025-06" in frozen.output
    assert runner.invoke(args=["stats", "changes", "2025-04"]).output.strip() == "no change"
    record_event("visit", library=library("TVTD"), day=date(2025, 4, 2), quantity=1,
                 reader_category="adults")  # fmt: skip
    assert "visits TVTD: 6 -> 7" in runner.invoke(args=["stats", "changes", "2025-04"]).output
    again = runner.invoke(args=["stats", "freeze", "--period", "2025-04", "--again"])
    assert again.output.strip() == "frozen 2025-04"
    assert runner.invoke(args=["stats", "freeze", "--period", "2025-Q1"]).exit_code == 2
