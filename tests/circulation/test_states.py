"""The state tables of loans, holds and transfers: the moves there are, and none that cannot run."""

import pytest

from libsys.circulation.errors import DeskRefusal
from libsys.circulation.holds.models import HOLD_STATUSES
from libsys.circulation.holds.states import HOLD_STATES
from libsys.circulation.loans.models import LOAN_STATUSES
from libsys.circulation.loans.states import LOAN_STATES
from libsys.circulation.transfers.models import TRANSFER_STATUSES
from libsys.circulation.transfers.services import TRANSFER_STATES
from libsys.errors import Conflict


def test_every_state_is_a_declared_status():
    assert LOAN_STATES.states - {"new"} == set(LOAN_STATUSES)
    assert HOLD_STATES.states - {"new"} == set(HOLD_STATUSES)
    assert TRANSFER_STATES.states == set(TRANSFER_STATUSES)


def test_a_lost_loan_is_not_checked_in():
    # Declaring a copy lost closes its loan: a return never finds it open.
    assert LOAN_STATES.triggers_from("lost") == []
    with pytest.raises(DeskRefusal) as refused:
        LOAN_STATES.move_for("lost", "checkin")
    assert refused.value.code == "INVALID_TRANSITION"


def test_a_transfer_under_way_is_not_cancelled_but_closed():
    with pytest.raises(Conflict) as refused:
        TRANSFER_STATES.move_for("in_transit", "cancel")
    assert refused.value.code == "TRANSFER_UNDER_WAY"
    assert TRANSFER_STATES.move_for("in_transit", "close").dest == "cancelled"
    with pytest.raises(Conflict) as refused:
        TRANSFER_STATES.move_for("received", "send")
    assert refused.value.code == "TRANSFER_STATE"
