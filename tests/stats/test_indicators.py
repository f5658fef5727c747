"""Every indicator against a year of history counted by hand (tests/stats/conftest.py)."""

import pytest
from sqlalchemy import select

from libsys.extensions import db
from libsys.network.models import AdminUnit
from libsys.stats.charts import format_figure
from libsys.stats.indicators import INDICATORS
from libsys.stats.periods import parse_period
from libsys.stats.scope import library_scope, network_scope
from libsys.stats.services import indicator_values

# Tam Đường (TVTD with its points) in 2025, by hand from the history fixture.
EXPECTED_TVTD_2025 = {
    "visits": 12,  # 1 + 1 + 1 + 5 walk-in children + 3 walk-in adults + 1 at the point
    "loans": 3,
    "inhouse_uses": 2,
    "document_uses": 5,
    "new_cards": 2,
    "active_readers": 2,
    "acquired_copies": 2,
    "acquired_titles": 2,
    "periodical_titles": 2,
    "holdings_copies": 5,  # i1-i4 and the unused poems; i5 withdrawn, i6 came in 2026
    "holdings_titles": 3,
    "copies_per_inhabitant": 0.5,  # 5 / 10 inhabitants
    "loans_per_inhabitant": 0.3,
    "visits_per_inhabitant": 1.2,
    "document_uses_per_inhabitant": 0.5,
    "collection_turnover": 0.6,  # 3 / 5
    "stock_not_used": 20.0,  # 1 of 5 copies never lent nor used
    "active_readers_share": 20.0,  # 2 / 10
    "students_reached_share": None,  # no school in Tam Đường's scope (test_students_reached)
    "children_visits": 6,
    "children_share": 50.0,  # 6 of 12 visits
    "visits_growth": 20.0,  # 12 against 10 in 2024
    "rotation_points_served": 2,
    "rotation_batches": 2,
    "rotated_copies": 3,
    "point_visits": 7,  # 6 tallied + 1 at the point's desk
    "point_uses": 5,  # 1 loan + 4 tallied
    "point_lost_copies": 1,
    "exhibitions": 2,
    "activity_participants": 80,
}


def _values(period, scope, **options):
    return {value.indicator.code: value for value in indicator_values(period, scope, **options)}


def test_every_indicator_is_checked():
    assert set(EXPECTED_TVTD_2025) == set(INDICATORS)
    for indicator in INDICATORS.values():
        labels = indicator.labels()
        assert labels["vi"] and labels["en"] and str(indicator.definition)


def test_every_indicator_against_the_hand_count(history):
    values = _values(parse_period("2025"), library_scope("TVTD"))
    assert {code: value.value for code, value in values.items()} == EXPECTED_TVTD_2025


def test_targets_the_library_then_its_level_then_earlier_years(history):
    values = _values(parse_period("2025"), library_scope("TVTD"))
    assert (values["visits"].target_min, values["visits"].target_max) == (10, 20)
    # The district level's 2024 target stays in force in 2025.
    assert (values["acquired_copies"].target_min, values["acquired_copies"].target_max) == (
        500,
        1000,
    )
    assert values["loans"].target_min is None
    network = _values(parse_period("2025"), network_scope(), codes=["visits"])
    assert (network["visits"].target_min, network["visits"].target_max) == (100, None)


def test_the_network_and_a_half_year(history):
    network = _values(parse_period("2025"), network_scope(), codes=["visits", "loans"])
    assert network["visits"].value == 112
    assert network["loans"].value == 4
    first_half = _values(parse_period("2025-H1"), library_scope("TVTD"))
    assert first_half["visits"].value == 11
    assert first_half["rotated_copies"].value == 0
    assert first_half["holdings_copies"].value == 6  # i5 not yet withdrawn on 30/6
    assert _values(parse_period("2025-04"), library_scope("TVTD"))["visits"].value == 6


@pytest.mark.parametrize(
    ("breakdown", "code", "expected"),
    [
        ("month", "visits", {"2025-03": 2, "2025-04": 6, "2025-05": 3, "2025-07": 1}),
        ("library", "visits", {"TVTD": 11, "BDBG": 1}),
        ("reader_category", "loans", {"official": 2, "children": 1}),
        ("class", "loans", {"895": 3}),
        ("store", "holdings_copies", {"VN": 5}),
        ("class", "holdings_copies", {"895": 4, "301": 1}),
        ("library", "point_uses", {"BDBG": 5}),
        ("month", "point_visits", {"2025-07": 7}),
        ("gender", "active_readers", {"female": 1, "male": 1}),
    ],
)
def test_breakdowns(history, breakdown, code, expected):
    values = _values(parse_period("2025"), library_scope("TVTD"), breakdown=breakdown)
    assert values[code].breakdown == expected


def test_an_indicator_without_the_breakdown_gives_its_total(history):
    values = _values(parse_period("2025"), library_scope("TVTD"), breakdown="gender")
    assert values["collection_turnover"].breakdown is None
    assert values["collection_turnover"].value == 0.6


def test_a_small_figure_per_inhabitant_is_not_rounded_to_zero(history):
    db.session.scalar(select(AdminUnit).where(AdminUnit.code == "106")).population = 1600
    values = _values(parse_period("2025"), library_scope("TVTD"))
    assert values["copies_per_inhabitant"].value == 0.0031  # 5 / 1,600
    assert values["loans_per_inhabitant"].value == 0.0019  # 3 / 1,600
    assert format_figure(values["copies_per_inhabitant"].value) == "0,0031"
    assert format_figure(0.25) == "0,25" and format_figure(0.0) == "0"
