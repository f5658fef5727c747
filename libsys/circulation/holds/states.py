"""A hold's states as a table of moves (libsys.core.states): every change of a hold's
status goes through `HOLD_STATES.trigger(...)`."""

from libsys.circulation.holds.models import ACTIVE_HOLD_STATUSES
from libsys.core.states import StateMachine, Transition
from libsys.stats.events import record_event

HOLD_STATES = StateMachine(
    "hold",
    [
        Transition("place", "new", "waiting", event="hold_placed"),
        # A copy set aside: on this library's hold shelf, or on the road to the pickup.
        Transition("shelve", ("waiting", "in_transit"), "on_shelf"),
        Transition("send", ACTIVE_HOLD_STATUSES, "in_transit"),
        # The copy set aside went to someone else, or was lost: back in the queue.
        Transition("wait_again", ("in_transit", "on_shelf"), "waiting"),
        Transition("fulfil", ACTIVE_HOLD_STATUSES, "fulfilled", event="hold_filled"),
        Transition("cancel", ACTIVE_HOLD_STATUSES, "cancelled", event="hold_cancelled"),
        Transition("expire", "on_shelf", "expired", event="hold_expired"),
    ],
    record=record_event,
)


def wait_again(hold) -> None:
    """Back in the queue, no copy set aside: a copy-level hold keeps its copy."""

    def forget_copy(changed) -> None:
        if not changed.copy_level:
            changed.item_id = None
        changed.trapped_at = changed.shelf_expires_on = changed.notified_at = None

    HOLD_STATES.trigger(hold, "wait_again", apply=forget_copy)
