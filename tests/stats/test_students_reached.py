"""Share of students reached: distinct learners active at the schools over their students."""

from datetime import date

from libsys.network.population import save_population
from libsys.stats.events import record_event
from libsys.stats.periods import parse_period
from libsys.stats.scope import library_scope, network_scope
from libsys.stats.services import indicator_values
from tests.factories import make_reader
from tests.stats.conftest import library


def _share(scope, period="2025"):
    (value,) = indicator_values(parse_period(period), scope, codes=["students_reached_share"])
    return value.value


def test_share_of_students_reached_counts_each_learner_once_at_schools_with_students(network):
    school, other_school = library("THCSBL"), library("THTD")
    save_population(school, 2025, students=40)
    pupils = [
        make_reader(full_name=f"Học sinh {n}", category="pupil", home_library="THCSBL",
                    date_of_birth="2012-03-01")
        for n in range(3)
    ]  # fmt: skip
    teacher = make_reader(full_name="Cô giáo", category="official", home_library="THCSBL")
    for day in (date(2025, 3, 2), date(2025, 9, 8)):  # the same pupil twice: one learner
        record_event("visit", library=school, reader=pupils[0], day=day)
    record_event("visit", library=school, reader=pupils[1], day=date(2025, 10, 1))
    record_event("visit", library=school, reader=teacher, day=date(2025, 10, 1))  # no learner
    record_event("visit", library=library("TVTD"), reader=pupils[2], day=date(2025, 4, 1))
    record_event("visit", library=school, reader=pupils[2], day=date(2024, 12, 31))  # 2024
    # A school with no students entered counts in neither the numerator nor the denominator.
    record_event("visit", library=other_school, reader=pupils[2], day=date(2025, 5, 5))

    assert _share(library_scope("THCSBL")) == 5.0  # 2 learners of 40 students
    assert _share(network_scope()) == 5.0
    assert _share(library_scope("TVLC")) is None  # no school in its scope
    save_population(other_school, 2025, students=60)
    assert _share(network_scope()) == 3.0  # 3 learners of 100 students
