"""A loan's states as a table of moves (libsys.core.states).

Every change of a loan's status goes through `LOAN_STATES.trigger(...)`, which checks the
guard, writes the state and appends the event.
A renewal's guard collects the overridable refusals and settles them: a librarian allowed to
override lifts them with a reason (one `override` event each), else the first is raised.
"""

from libsys.circulation.errors import DeskRefusal
from libsys.circulation.loans.rules import renewal_refusals, settle_refusals
from libsys.core.states import StateMachine, Transition
from libsys.stats.events import record_event


def _guard_renew(loan, context: dict) -> None:
    """Renewals left, no overdue loan where the policy forbids it, no other reader waiting
    for the title, the reader may borrow (each overridable)."""
    refusals = renewal_refusals(loan, context["policy"], context["today"])
    reader = loan.reader
    settle_refusals(
        refusals,
        user=context.get("user"),
        override_reason=context.get("override_reason"),
        library=context["library"],
        reader=reader,
        item=loan.item,
    )


def _refuse_loan(state: str, trigger: str) -> DeskRefusal:
    return DeskRefusal(code="INVALID_TRANSITION", details={"state": state, "trigger": trigger})


LOAN_STATES = StateMachine(
    "loan",
    [
        # A new loan: checkout's guarded INSERT writes it, then triggers from "new".
        Transition("checkout", "new", "on_loan", event="checkout"),
        Transition("renew", "on_loan", "on_loan", event="renewal", guard=_guard_renew),
        Transition("checkin", "on_loan", "returned", event="checkin"),
        # Declared lost closes the loan (returned_at); a found copy settles it, no checkin.
        Transition("declare_lost", "on_loan", "lost", event="item_lost"),
    ],
    record=record_event,
    refuse=_refuse_loan,
)


def loan_event(loan, *, library, user=None, reader=None, **details) -> dict:
    """The details of a loan's event: where, who, which copy, and what else the move says."""
    return dict(
        library=library,
        reader=reader if reader is not None else loan.reader,
        item=loan.item,
        loan=loan,
        user_id=getattr(user, "id", None),
        **details,
    )
