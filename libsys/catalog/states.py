"""A copy's states (ITEM_STATES): every change of a copy's status goes through this table.

The desk (lend, return, holds, transfers, losses), the catalogue (withdrawal, the copy
editor's corrections) and rotation (a copy out at a rotation point) each move a copy by a
named trigger; a move the table does not allow is refused (core.states.InvalidTransition).
The moves log nothing themselves: the loan, hold, transfer or batch whose event already says
what happened carries the copy along. The table lives with the catalogue, which owns Item,
so every domain can import it without a circle.
"""

from libsys.catalog.models import ITEM_STATUSES
from libsys.core.states import StateMachine, Transition

# The returns desk places any copy it is handed, except one out with a rotation batch
# (it stays the batch's until the batch comes home).
_AT_DESK = tuple(status for status in ITEM_STATUSES if status != "at_rotation_point")
# A copy may be marked damaged or sent for repair when no reader has it and it is not away.
_LOSABLE = tuple(status for status in ITEM_STATUSES if status not in ("lost", "withdrawn"))
_DAMAGEABLE = ("available", "on_hold_shelf", "lost", "damaged", "in_repair")

ITEM_STATES = StateMachine(
    "item",
    [
        # The desk: lent (checkout's guarded UPDATE reads this move with move_for).
        Transition("lend", ("available", "on_hold_shelf"), "on_loan"),
        # Back on its own library's shelf after a return or an arrival.
        Transition(
            "shelve", ("available", "on_loan", "in_transit", "on_hold_shelf", "lost"), "available"
        ),  # fmt: skip
        # Set aside on this library's hold shelf for a reader.
        Transition("shelve_for_hold", _AT_DESK, "on_hold_shelf"),
        # On the road to another library (a hold's pickup, its home, a transfer sent).
        Transition("send", _AT_DESK, "in_transit"),
        # Losses, damage, repairs and finds (the desk's copy-status page, the copy editor).
        Transition("declare_lost", _LOSABLE, "lost"),
        Transition("damage", _DAMAGEABLE, "damaged"),
        Transition("send_to_repair", _DAMAGEABLE, "in_repair"),
        Transition("declare_found", ("lost", "damaged", "in_repair"), "available"),
        # The catalogue: withdrawn from the collection (thanh lý).
        Transition("withdraw", ("available", "lost", "damaged", "in_repair"), "withdrawn"),
        # Rotation: out with a batch at a point (location_library_id the point), and back.
        Transition("dispatch_to_point", "available", "at_rotation_point"),
        Transition("return_from_point", "at_rotation_point", "available"),
        Transition("damage_at_point", "at_rotation_point", "damaged"),
        Transition("lose_at_point", "at_rotation_point", "lost"),
        # Lent at its point by the point's desk, and back in its batch when returned.
        Transition("lend_at_point", "at_rotation_point", "on_loan"),
        Transition("return_to_point", "on_loan", "at_rotation_point"),
    ],
)


def placed_at(library_id: int | None):
    """The change a move applies to put the copy at a library (None: at home)."""

    def place(copy) -> None:
        copy.location_library_id = library_id

    return place


# The trigger that brings a copy to a status a person chose (the copy editor, losses).
TRIGGER_TO_REACH = {
    "available": "declare_found",
    "lost": "declare_lost",
    "damaged": "damage",
    "in_repair": "send_to_repair",
    "withdrawn": "withdraw",
}
