"""Policy lookup (most specific rule wins, fallbacks) and due dates over the calendar."""

from datetime import date, timedelta

from libsys.circulation.policies.models import CirculationPolicy, ClosedWeekday, Holiday
from libsys.circulation.policies.services import (
    BUILT_IN_DEFAULTS,
    Calendar,
    due_date_for,
    policy_for,
)
from libsys.extensions import db
from tests.circulation.conftest import adult, category, library, make_item


def rule(**values) -> CirculationPolicy:
    policy = CirculationPolicy(**values)
    db.session.add(policy)
    db.session.flush()
    return policy


def test_built_in_defaults_without_any_rule(tvlc):
    policy = policy_for(tvlc, category("official"), make_item())
    assert policy.loan_days == BUILT_IN_DEFAULTS["loan_days"]
    assert policy.fine_per_day == 0
    assert policy.rule_ids == ()


def test_network_default_row_applies_everywhere(tvlc):
    default = rule(loan_days=21, max_loans=4)
    policy = policy_for(library("TVBL"), category("pupil"), make_item(library_code="TVBL"))
    assert (policy.loan_days, policy.max_loans) == (21, 4)
    assert policy.renewals_allowed == BUILT_IN_DEFAULTS["renewals_allowed"]
    assert policy.rule_ids == (default.id,)


def test_most_specific_rule_wins(tvlc):
    children = category("children")
    rule(loan_days=14)
    rule(library_id=tvlc.id, loan_days=10)
    rule(reader_category_id=children.id, loan_days=7)
    best = rule(library_id=tvlc.id, reader_category_id=children.id, loan_days=5)
    item = make_item(store_code="TN")
    assert policy_for(tvlc, children, item).loan_days == 5
    assert policy_for(tvlc, children, item).rule_ids[0] == best.id
    # Another library: the category rule beats the network default.
    assert policy_for(library("TVTD"), children, item).loan_days == 7
    # Another category at TVLC: the library rule.
    assert policy_for(tvlc, category("official"), item).loan_days == 10


def test_library_outranks_category_and_type_outranks_nothing(tvlc):
    children = category("children")
    rule(library_id=tvlc.id, loan_days=10)
    rule(reader_category_id=children.id, loan_days=7)
    assert policy_for(tvlc, children, make_item()).loan_days == 10
    rule(item_type="dvd", loan_days=3)
    dvd = make_item(item_type="dvd")
    # Two keys beat one: library + type would beat library; type alone loses to library.
    assert policy_for(tvlc, children, dvd).loan_days == 10
    rule(library_id=tvlc.id, item_type="dvd", loan_days=2)
    assert policy_for(tvlc, children, dvd).loan_days == 2


def test_values_fall_back_rule_by_rule(tvlc):
    rule(loan_days=14, max_loans=5, holds_allowed=3)
    store_rule = rule(store_id=make_item(store_code="NV").store_id, loan_days=30)
    policy = policy_for(tvlc, category("official"), make_item(store_code="NV"))
    assert policy.loan_days == 30
    assert policy.max_loans == 5
    assert store_rule.id in policy.rule_ids


def test_rules_for_another_library_never_match(tvlc):
    rule(library_id=library("TVTD").id, loan_days=99)
    assert policy_for(tvlc, category("official"), make_item()).loan_days == 14


def _policy(days=14):
    rule(loan_days=days)
    return policy_for(library("TVLC"), category("official"), None)


def test_due_date_plain(tvlc):
    reader = adult()
    start = date(2027, 3, 1)  # a Monday
    assert due_date_for(_policy(14), tvlc, reader, start) == date(2027, 3, 15)


def test_due_date_moves_off_a_closed_weekday(tvlc):
    db.session.add(ClosedWeekday(library_id=tvlc.id, weekday=6))  # Sunday
    db.session.flush()
    reader = adult()
    start = date(2027, 3, 1)
    # 13 days later is Sunday 14/3: moved to Monday 15/3.
    assert due_date_for(_policy(13), tvlc, reader, start) == date(2027, 3, 15)


def test_due_date_skips_tet_as_a_range(tvlc):
    db.session.add(
        Holiday(library_id=None, name="Tết", first_day=date(2027, 2, 5), last_day=date(2027, 2, 11))
    )
    db.session.flush()
    reader = adult()
    assert due_date_for(_policy(14), tvlc, reader, date(2027, 1, 24)) == date(2027, 2, 12)
    assert not Calendar(tvlc).is_open(date(2027, 2, 8))


def test_another_librarys_holiday_does_not_close_this_one(tvlc):
    db.session.add(
        Holiday(
            library_id=library("TVTD").id,
            name="x",
            first_day=date(2027, 3, 15),
            last_day=date(2027, 3, 15),
        )
    )
    db.session.flush()
    assert due_date_for(_policy(14), tvlc, adult(), date(2027, 3, 1)) == date(2027, 3, 15)


def test_due_date_never_passes_card_expiry(tvlc):
    reader = adult(card_expires="2027-03-10")
    assert due_date_for(_policy(14), tvlc, reader, date(2027, 3, 1)) == date(2027, 3, 10)


def test_due_date_capped_by_expiry_moves_back_off_a_closed_day(tvlc):
    db.session.add(ClosedWeekday(library_id=tvlc.id, weekday=6))
    db.session.flush()
    reader = adult(card_expires="2027-03-14")  # a Sunday
    assert due_date_for(_policy(14), tvlc, reader, date(2027, 3, 1)) == date(2027, 3, 13)


def test_moving_forward_never_passes_expiry(tvlc):
    db.session.add(ClosedWeekday(library_id=tvlc.id, weekday=6))
    db.session.flush()
    # Due Sunday 14/3 would move to Monday 15/3, past the expiry on Sunday: back to Saturday.
    reader = adult(card_expires="2027-03-14")
    assert due_date_for(_policy(13), tvlc, reader, date(2027, 3, 1)) == date(2027, 3, 13)
    assert date(2027, 3, 13) < date(2027, 3, 1) + timedelta(days=13)
