"""The copy's table of states: every status is reachable and rotation's moves are there."""

from libsys.catalog.models import ITEM_STATUSES
from libsys.catalog.states import ITEM_STATES, TRIGGER_TO_REACH


def test_every_status_is_in_the_table():
    assert ITEM_STATES.states == set(ITEM_STATUSES)


def test_rotation_moves():
    assert ITEM_STATES.move_for("available", "dispatch_to_point").dest == "at_rotation_point"
    assert ITEM_STATES.move_for("at_rotation_point", "return_from_point").dest == "available"
    assert ITEM_STATES.move_for("at_rotation_point", "lose_at_point").dest == "lost"


def test_a_lent_copy_is_not_lent_again():
    assert not ITEM_STATES.can("on_loan", "lend")
    assert not ITEM_STATES.can("at_rotation_point", "shelve_for_hold")


def test_each_chosen_status_has_its_trigger():
    for status, trigger in TRIGGER_TO_REACH.items():
        assert any(m.dest == status for m in ITEM_STATES.transitions if m.trigger == trigger)
