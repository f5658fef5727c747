"""The reader's loans and holds on the staff reader page and in the reader API."""

from flask import render_template
from markupsafe import Markup

from libsys.circulation.errors import REFUSAL_MESSAGES
from libsys.circulation.fines.services import fines_due
from libsys.circulation.holds.services import reader_holds
from libsys.circulation.loans.rules import reader_blocks
from libsys.circulation.loans.services import reader_loans
from libsys.circulation.losses.services import lost_loans_of
from libsys.core.clock import local_day_of, local_today
from libsys.readers.api import READER_EXTENSIONS
from libsys.readers.views import READER_PANELS


def panel_lost_copies(reader) -> list[dict]:
    """The copies the reader reported lost (barcode, title, day reported), for the panel."""
    return [
        {
            "barcode": loan.item.barcode,
            "title": loan.item.record.title,
            "reported_on": local_day_of(loan.returned_at) if loan.returned_at else None,
        }
        for loan in lost_loans_of(reader)
    ]


def loans_panel(reader) -> Markup:
    """The loans and holds panel shown on the staff reader page."""
    return Markup(
        render_template(
            "circulation/desk/_reader_panel.html",
            reader=reader,
            loans=reader_loans(reader),
            holds=reader_holds(reader),
            blocks=reader_blocks(reader),
            fines=fines_due(reader),
            lost_copies=panel_lost_copies(reader),
            today=local_today(),
            compact=True,
            messages=REFUSAL_MESSAGES,
        )
    )


def loans_json(reader) -> dict:
    """The reader's current loans, holds and fines due as the reader API shows them."""
    fines = fines_due(reader)
    return {
        "fines_due": sum(fine.amount for fine in fines),
        "loans": [
            {
                "loan_id": loan.id,
                "barcode": loan.item.barcode,
                "title": loan.item.record.title,
                "due_date": loan.due_date.isoformat(),
                "renewals": loan.renewals,
                "status": loan.status,
            }
            for loan in reader_loans(reader)
        ],
        "holds": [
            {
                "hold_id": hold.id,
                "record_id": hold.record_id,
                "title": hold.record.title,
                "barcode": hold.item.barcode if hold.item else None,
                "status": hold.status,
                "pickup_library": hold.pickup_library.code,
                "placed_at": hold.placed_at.isoformat(timespec="seconds"),
                "shelf_expires_on": hold.shelf_expires_on.isoformat()
                if hold.shelf_expires_on
                else None,
            }
            for hold in reader_holds(reader)
        ],
    }


def register_reader_extensions() -> None:
    """Add the panel and the JSON extension once, however many apps are created."""
    if loans_panel not in READER_PANELS:
        READER_PANELS.append(loans_panel)
    if loans_json not in READER_EXTENSIONS:
        READER_EXTENSIONS.append(loans_json)
