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


def test_a_loan_stays_under_the_old_category_in_its_month_and_in_later_periods(history):
    """The loan of March 2025 stays "official" in March, in the year and once March is
    frozen; the reader's loans after the change count under her new category."""
    from datetime import date

    from libsys.stats.events import record_event
    from libsys.stats.freezing import freeze_month

    reader = history["readers"][0]
    copy = history["copies"][0]

    def loans(period):
        values = indicator_values(parse_period(period), library_scope("TVTD"),
                                  breakdown="reader_category", codes=["loans"])  # fmt: skip
        return values[0].breakdown

    assert loans("2025-03") == {"official": 1}
    assert loans("2025") == {"official": 2, "children": 1}
    update_reader(reader, {"category": "worker"})
    assert loans("2025-03") == {"official": 1}
    freeze_month(2025, 3)
    assert loans("2025-03") == {"official": 1}
    record_event("checkout", day=date(2025, 12, 1), library=library("TVTD"), reader=reader,
                 item=copy)  # fmt: skip
    assert loans("2025") == {"official": 2, "children": 1, "worker": 1}
    assert loans("2025-12") == {"worker": 1}


def test_the_other_breakdowns_against_the_hand_count(history):
    """Lê Thị An (adult, commune 03490) visits three times and borrows twice, once at the
    point; Lò Văn Tú (a child, the factory's commune 03390) once each; the 8 walk-ins
    tallied without a card have no age, ethnicity or commune. Both readers are of group 03."""
    expected = {
        "level": {"visits": {"district": 11, "point": 1}, "loans": {"district": 3},
                  "active_readers": {"district": 2, "point": 1}},
        "age_group": {"visits": {"adult": 3, "child": 1, "unknown": 8},
                      "loans": {"adult": 2, "child": 1},
                      "active_readers": {"adult": 1, "child": 1}},
        "ethnicity": {"visits": {"03": 4, "unknown": 8}, "loans": {"03": 3},
                      "active_readers": {"03": 2}},
        "commune": {"visits": {"03390": 1, "03490": 3, "unknown": 8},
                    "loans": {"03390": 1, "03490": 2},
                    "active_readers": {"03390": 1, "03490": 1}},
    }  # fmt: skip
    for breakdown, figures in expected.items():
        values = indicator_values(parse_period("2025"), library_scope("TVTD"),
                                  breakdown=breakdown, codes=list(figures))  # fmt: skip
        assert {value.indicator.code: value.breakdown for value in values} == figures, breakdown
