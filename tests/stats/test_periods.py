"""Reporting periods: four shapes, everything else refused with the shapes named."""

from datetime import date

import pytest

from libsys.errors import ValidationFailed
from libsys.stats.periods import parse_period


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-10", date(2026, 10, 1), date(2026, 10, 31)),
        ("2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("2026-H1", date(2026, 1, 1), date(2026, 6, 30)),
        ("2026-h2", date(2026, 7, 1), date(2026, 12, 31)),
        ("2026", date(2026, 1, 1), date(2026, 12, 31)),
        (" 2026-01-01..2026-03-31 ", date(2026, 1, 1), date(2026, 3, 31)),
        ("2025-12-15..2026-01-15", date(2025, 12, 15), date(2026, 1, 15)),
    ],
)
def test_the_four_shapes(app, text, start, end):
    with app.test_request_context():
        period = parse_period(text)
    assert (period.start, period.end) == (start, end)


@pytest.mark.parametrize(
    "text",
    ["", None, "26", "2026-13", "2026-1", "2026-H3", "2026-Q1", "2026-03-31..2026-01-01",
     "2026-02-30..2026-03-01", "01/2026", "2026-01-01..", "0000"],
)  # fmt: skip
def test_other_shapes_are_refused(app, text):
    with app.test_request_context(), pytest.raises(ValidationFailed) as refused:
        parse_period(text)
    assert refused.value.code == "INVALID_PERIOD"
    assert "2026-H1" in str(refused.value.fields["period"])


def test_a_period_spans_its_months_and_knows_last_year(app):
    with app.test_request_context():
        period = parse_period("2025-11-20..2026-02-10")
        leap = parse_period("2024-02")
    assert period.months() == [(2025, 11), (2025, 12), (2026, 1), (2026, 2)]
    assert period.year is None
    last = leap.same_period_last_year()
    assert (last.start, last.end) == (date(2023, 2, 1), date(2023, 2, 28))
