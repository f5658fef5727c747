"""Figures read the event log's snapshots: the desk's real visits and loans, counted once."""

import pytest

from libsys.circulation.loans.services import checkout
from libsys.circulation.visits.services import record_visit
from libsys.core.clock import local_today
from libsys.readers.services import update_reader
from libsys.stats.periods import parse_period
from libsys.stats.scope import library_scope
from libsys.stats.services import indicator_values
from tests.factories import make_reader
from tests.stats.conftest import library, make_copy, make_record


def _figures(breakdown=None):
    period = parse_period(local_today().strftime("%Y-%m"))
    values = indicator_values(period, library_scope("TVLC"), breakdown=breakdown)
    return {value.indicator.code: value for value in values}


@pytest.fixture
def desk_day(network):
    """A reader who comes in (card scanned at the entrance) and borrows two copies."""
    tvlc = library("TVLC")
    reader = make_reader()
    record = make_record("Tắt đèn", "895.9223")
    copies = [make_copy(record, "TVLC") for _ in range(2)]
    record_visit(tvlc, reader)
    for copy in copies:
        checkout(copy.barcode, reader.card_number, library=tvlc)
    return reader


def test_a_visit_and_loans_by_one_reader_on_one_day_count_one_visit(desk_day):
    figures = _figures()
    assert figures["visits"].value == 1
    assert figures["loans"].value == 2
    assert figures["active_readers"].value == 1
    assert figures["new_cards"].value == 1


def test_changing_a_readers_category_leaves_counted_figures_alone(desk_day):
    before = _figures("reader_category")
    assert before["loans"].breakdown == {"official": 2}
    update_reader(desk_day, {"category": "worker"})
    after = _figures("reader_category")
    assert after["loans"].breakdown == {"official": 2}
    assert after["visits"].breakdown == before["visits"].breakdown == {"official": 1}
    assert after["loans"].value == before["loans"].value
