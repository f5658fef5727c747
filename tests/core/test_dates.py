"""One date parser: what a page says it accepts (dd/mm/yyyy) and what a browser sends (ISO)."""

from datetime import date, datetime

import pytest

from libsys.core.dates import InvalidDate, parse_date, read_date


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2025-01-05", date(2025, 1, 5)),
        ("05/01/2025", date(2025, 1, 5)),
        ("5/1/2025", date(2025, 1, 5)),
        (" 29/02/2024 ", date(2024, 2, 29)),
        ("2025-1-5", date(2025, 1, 5)),
        (date(2025, 1, 5), date(2025, 1, 5)),
        (datetime(2025, 1, 5, 10, 30), date(2025, 1, 5)),
        ("", None),
        ("  ", None),
        (None, None),
    ],
)
def test_both_ways_of_writing_a_date(text, day):
    assert parse_date(text) == day


@pytest.mark.parametrize(
    "text",
    [
        "31/02/2025",
        "2025-13-01",
        "01/13/2025",
        "5 tháng 1",
        "2025/01/05",
        "١٢/٠١/٢٠٢٥",
        20250105,
        True,
    ],
)
def test_what_is_not_a_date_is_refused(text):
    with pytest.raises(InvalidDate):
        parse_date(text)


def test_a_form_notes_a_bad_date_by_its_field(app):
    errors: dict = {}
    with app.test_request_context():
        assert read_date("30/02/2025", "since", errors) is None
        assert "dd/mm/yyyy" in str(errors["since"])
