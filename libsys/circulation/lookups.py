"""Finding what the desk scans: a copy by its barcode, a reader by their card number.

One lookup of a copy (`copy_by_barcode`, None when no copy has the barcode) and one
refusal wrapper (`find_copy`, UNKNOWN_ITEM) serve the desk, the API, transfers, losses and
in-library use.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from libsys.catalog.models import Item, Record, barcode_matches
from libsys.circulation.errors import DeskRefusal
from libsys.errors import ValidationFailed
from libsys.extensions import db
from libsys.readers.models import Reader
from libsys.readers.services import reader_by_card

# The desk's statements are built once at import: on a scan, building a statement costs
# more than the database takes to run it.
# The title's columns the rules, the event snapshot and the desk's messages use (a record's
# MARC and notes can run to kilobytes; anything else loads when something asks for it).
_TITLE_AT_DESK = (Record.title, Record.subtitle, Record.material_type, Record.ddc)
_ITEM = select(Item).options(
    joinedload(Item.store), joinedload(Item.record).load_only(*_TITLE_AT_DESK)
)
_ITEM_BY_BARCODE = _ITEM.where(Item.barcode == bindparam("barcode"))
# A barcode as typed matches first (the unique index); else in any case (upper(barcode)).
_ITEM_BY_BARCODE_ANY_CASE = _ITEM.where(barcode_matches(bindparam("barcode"))).limit(1)
# Row locks for check-then-write (see libsys.db.lock_row): the copy's row while a return
# decides what happens to the copy, the reader's row while a checkout checks the limit.
_ITEM_BY_BARCODE_LOCKED = _ITEM_BY_BARCODE.with_for_update(
    of=Item, key_share=True
).execution_options(populate_existing=True)
_ITEM_BY_BARCODE_ANY_CASE_LOCKED = _ITEM_BY_BARCODE_ANY_CASE.with_for_update(
    of=Item, key_share=True
).execution_options(populate_existing=True)
_READERS = select(Reader).options(joinedload(Reader.category), joinedload(Reader.admin_unit))
_READER_BY_CARD = _READERS.where(Reader.card_number == bindparam("card"))
_READER_BY_CARD_LOCKED = _READER_BY_CARD.with_for_update(
    of=Reader, key_share=True
).execution_options(populate_existing=True)


def copy_by_barcode(barcode: str, *, lock: bool = False) -> Item | None:
    """The copy with a barcode as typed, else in any case (None: no copy).

    Barcodes are printed and kept in capitals; one typed in small letters is found too,
    and so is a copy whose barcode was saved in small letters.
    The copy comes with its store and title (the desk's rules and the event snapshot need
    them); `lock` holds its row until the commit.
    """
    barcode = (barcode or "").strip()
    if not barcode:
        return None
    statement = _ITEM_BY_BARCODE_LOCKED if lock else _ITEM_BY_BARCODE
    found = db.session.scalar(statement, {"barcode": barcode})
    if found is None:
        any_case = _ITEM_BY_BARCODE_ANY_CASE_LOCKED if lock else _ITEM_BY_BARCODE_ANY_CASE
        found = db.session.scalar(any_case, {"barcode": barcode})
    return found


def find_copy(barcode: str, *, lock: bool = False) -> Item:
    """The copy with this barcode, or a named refusal (BARCODE_REQUIRED, UNKNOWN_ITEM)."""
    barcode = (barcode or "").strip()
    if not barcode:
        raise ValidationFailed(_l("Give the copy's barcode."), code="BARCODE_REQUIRED")
    item = copy_by_barcode(barcode, lock=lock)
    if item is None:
        raise DeskRefusal(
            _l("No copy has barcode %(barcode)s.", barcode=barcode),
            code="UNKNOWN_ITEM",
            details={"item": barcode},
        )
    return item


def find_reader(card_number: str, *, lock: bool = False) -> Reader:
    """The reader with this card number, or UNKNOWN_READER; `lock` holds their row."""
    # Category and commune come in the same query: the rules and the event snapshot need them.
    reader = reader_by_card(card_number, _READER_BY_CARD_LOCKED if lock else _READER_BY_CARD)
    if reader is None:
        raise DeskRefusal(code="UNKNOWN_READER", details={"reader": (card_number or "").strip()})
    return reader
