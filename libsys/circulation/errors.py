"""Desk refusals: each with a named code and a message the librarian reads in Vietnamese."""

from flask_babel import lazy_gettext as _l

from libsys.errors import LibsysError

REFUSAL_MESSAGES = {
    "UNKNOWN_ITEM": _l("No copy has this barcode."),
    "UNKNOWN_READER": _l("No reader has this card number."),
    "ALREADY_ON_LOAN": _l("This copy is already on loan to another reader."),
    "NOT_FOR_LOAN": _l(
        "This copy is not for loan (reading room only, withdrawn, lost or in repair)."
    ),
    "LIMIT_REACHED": _l("The reader has reached the loan limit."),
    "CARD_EXPIRED": _l("The reader's card has expired."),
    "READER_BLOCKED": _l("The reader's card is blocked."),
    "HELD_FOR_ANOTHER": _l("This copy is held for another reader."),
    "NO_RENEWALS_LEFT": _l("No renewals are left for this loan."),
    "RENEWAL_BLOCKED_BY_HOLD": _l(
        "Another reader is waiting for this title: it cannot be renewed."
    ),
    "OVERDUE_BLOCKS": _l("The reader has overdue loans: return them before borrowing more."),
    "LOAN_OVERDUE": _l("This loan is overdue: it cannot be renewed, the copy must come back."),
    "OVERDUES_BLOCK_RENEWAL": _l(
        "The reader has overdue loans: nothing is renewed until they are returned."
    ),
    "RENEWED_TODAY": _l("Lent or renewed today already: renewing again would add nothing."),
    "GUARDIAN_REQUIRED": _l("A child's card needs a parent or guardian on record."),
    "HOLDS_NOT_ALLOWED": _l("Holds are not allowed for this reader or copy."),
    "ALREADY_HELD": _l("The reader already has a hold on this title."),
    "NOT_ON_LOAN": _l("This copy is not on loan."),
    "HOLD_CLOSED": _l("This hold is no longer active."),
    "INVALID_CATEGORY": _l("Choose children or adults."),
    "INVALID_COUNT": _l("The number of visitors must be between 1 and 500."),
    "NO_LIBRARY": _l("Say which library is acting (library)."),
    "INVALID_TRANSITION": _l("This loan cannot do that in its present state."),
}

# Input that names nothing is a 422; refusals caused by the state of things are a 409.
UNPROCESSABLE = frozenset({"UNKNOWN_ITEM", "UNKNOWN_READER", "INVALID_CATEGORY", "INVALID_COUNT",
                           "NO_LIBRARY"})  # fmt: skip

# Refusals a librarian holding circulation.override may lift with a reason.
OVERRIDABLE = frozenset(
    {
        "NOT_FOR_LOAN",
        "LIMIT_REACHED",
        "CARD_EXPIRED",
        "READER_BLOCKED",
        "HELD_FOR_ANOTHER",
        "NO_RENEWALS_LEFT",
        "RENEWAL_BLOCKED_BY_HOLD",
        "OVERDUE_BLOCKS",
        "LOAN_OVERDUE",
        "OVERDUES_BLOCK_RENEWAL",
        "GUARDIAN_REQUIRED",
        "HOLDS_NOT_ALLOWED",
    }
)


class DeskRefusal(LibsysError):
    """The desk refuses an action; `code` names the rule, the message says it in Vietnamese."""

    code = "DESK_REFUSAL"
    status = 409

    def __init__(self, message=None, *, code: str, overridable: bool | None = None, **kwargs):
        if message is None:
            message = REFUSAL_MESSAGES.get(code, LibsysError.default_message)
        status = 422 if code in UNPROCESSABLE else 409
        super().__init__(message, code=code, status=status, **kwargs)
        self.overridable = code in OVERRIDABLE if overridable is None else overridable
