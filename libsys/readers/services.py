"""Registering, finding, editing and blocking readers; card renewal; reader sign-in."""

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from libsys.accounts.scope import require_library_scope
from libsys.accounts.services import check_password, end_sessions, hash_password
from libsys.core.clock import local_today
from libsys.core.counters import next_value
from libsys.core.schemas import validation_failed
from libsys.errors import NotFound, ValidationFailed
from libsys.extensions import db
from libsys.network.models import AdminUnit, Library
from libsys.readers.models import Reader, ReaderCategory
from libsys.readers.schemas import ReaderSchema
from libsys.stats.events import record_event
from libsys.text import fold, nfc

# Fields set as the schema gives them (codes and flags need more than that).
PLAIN_FIELDS = (
    "date_of_birth",
    "gender",
    "ethnicity",
    "card_issued",
    "card_expires",
    "address",
    "phone",
    "email",
    "school",
    "guardian_name",
    "guardian_phone",
    "notes",
)
EDITABLE_FIELDS = (
    "card_number",
    "full_name",
    "category",
    "admin_unit",
    "home_library",
    "keep_history",
    "disability",
    *PLAIN_FIELDS,
)
CODE_MESSAGES = {
    "category": _l("Choose the reader's category."),
    "home_library": _l("Choose the reader's home library."),
    "admin_unit": _l("Unknown administrative unit."),
}
_READER_BY_CARD = select(Reader).where(Reader.card_number == bindparam("card"))


def _clean(value):
    if value is None:
        return None
    if isinstance(value, str):
        value = nfc(value).strip()
        return value or None
    return value


def normalize_card_number(value) -> str:
    """A card number as it is kept: in capitals, as printed and scanned (`bd000123` is
    `BD000123`), so finding a card is one index lookup whatever case was typed."""
    return (value or "").strip().upper()


def looks_like_card_number(value) -> bool:
    """Whether a scan has the form of this library's card numbers (prefix and digits)."""
    prefix = current_app.config["CARD_NUMBER_PREFIX"].upper()
    value = normalize_card_number(value)
    rest = value[len(prefix) :]
    return value.startswith(prefix) and rest.isascii() and rest.isdigit()


def reader_by_card(card_number, statement=None) -> Reader | None:
    """The reader whose card number this is, typed in any case (or None).

    `statement` selects the reader with what the caller needs loaded, with a bound
    parameter `card`. A card kept in small letters from before the numbers were kept in
    capitals is found as typed.
    """
    if statement is None:
        statement = _READER_BY_CARD
    typed = (card_number or "").strip()
    card = normalize_card_number(typed)
    if not card:
        return None
    reader = db.session.scalar(statement, {"card": card})
    if reader is None and typed != card:
        reader = db.session.scalar(statement, {"card": typed})
    return reader


def _highest_card_serial(prefix: str) -> int:
    """The highest serial among card numbers with this prefix (0 when there is none)."""
    numbers = db.session.scalars(
        select(Reader.card_number).where(Reader.card_number.like(f"{prefix}%"))
    )
    tails = (number[len(prefix) :] for number in numbers)
    return max((int(tail) for tail in tails if tail.isdigit()), default=0)


def next_card_number() -> str:
    """The next free card number in the configured format (prefix + serial).

    Serials come from a counter taken atomically (libsys.core.counters), so readers
    registered at the same moment get different numbers; a number typed in by hand that
    already holds the next serial is skipped.
    """
    prefix = current_app.config["CARD_NUMBER_PREFIX"]
    digits = current_app.config["CARD_NUMBER_DIGITS"]
    while True:
        serial = next_value(f"card_number:{prefix}", lambda: _highest_card_serial(prefix))
        number = f"{prefix}{serial:0{digits}d}"
        if db.session.scalar(select(Reader.id).where(Reader.card_number == number)) is None:
            return number


def _apply(
    reader: Reader,
    values: dict,
    errors: dict,
    *,
    creating: bool,
    scope: int | None = None,
    user=None,
) -> None:
    """Set clean values (from ReaderSchema) on the reader; raise with every broken rule.

    Types, lengths and forms were checked by the schema (its complaints come in `errors`);
    what is left needs the database (codes that must exist, a card number not yet used) or
    looks at several fields at once. A field keeps the first thing found wrong with it.
    """
    given = {key: values[key] for key in EDITABLE_FIELDS if key in values}
    if "full_name" in given or creating:
        if not given.get("full_name"):
            errors.setdefault("full_name", _l("Enter the reader's full name."))
        else:
            reader.full_name = given["full_name"]
            reader.name_folded = fold(reader.full_name)
    card = given.get("card_number")
    if card and card != reader.card_number:
        if db.session.scalar(select(Reader.id).where(Reader.card_number == card)):
            errors.setdefault(
                "card_number", _l("Card number %(card)s is already in use.", card=card)
            )
        else:
            reader.card_number = card
    if "category" in given or creating:
        reader.category = _by_code(ReaderCategory, given.get("category"), "category", errors)
    if "home_library" in given or creating:
        reader.home_library = _by_code(Library, given.get("home_library"), "home_library", errors)
        if reader.home_library is not None:
            require_library_scope(user, reader.home_library.id)  # its own library's readers
    if scope is not None and reader.home_library is not None and reader.home_library.id != scope:
        errors.setdefault("home_library", _l("A point keeper registers readers at their point."))
    if "admin_unit" in given:
        reader.admin_unit = given["admin_unit"] and _by_code(
            AdminUnit, given["admin_unit"], "admin_unit", errors
        )
    for field in ("card_issued", "card_expires"):
        # A card always has both dates: a blank one is kept as it was and said wrong.
        if not creating and field in given and given[field] is None:
            errors.setdefault(field, _l("A card needs this date (dd/mm/yyyy)."))
            del given[field]
    for field in PLAIN_FIELDS:
        if field in given:
            setattr(reader, field, given[field])
    for field in ("keep_history", "disability"):
        if field in given:
            setattr(reader, field, bool(given[field]))
    if creating:
        reader.card_issued = reader.card_issued or local_today()
        if reader.card_expires is None:
            days = current_app.config["CARD_VALIDITY_DAYS"]
            reader.card_expires = reader.card_issued + timedelta(days=days)
    if reader.card_issued and reader.card_expires and reader.card_expires < reader.card_issued:
        errors.setdefault("card_expires", _l("The card cannot expire before it is issued."))
    category = reader.category if "category" not in errors else None
    if category is not None and category.is_children and not reader.guardian_name:
        errors.setdefault(
            "guardian_name", _l("A child's card needs a parent or guardian on record.")
        )
    if errors:
        raise ValidationFailed(fields=errors)


def _by_code(model, code, field: str, errors: dict):
    """The category, library or commune with this code; a message in `errors` when unknown."""
    found = db.session.scalar(select(model).where(model.code == code)) if code else None
    if found is None:
        errors.setdefault(field, CODE_MESSAGES[field])
    return found


def clean_reader_values(data: dict, *, creating: bool) -> tuple[dict, dict]:
    """A reader's values through ReaderSchema: (the typed values, what is wrong by field).

    Values already clean (from the API or the staff form) pass through unchanged, so the
    demo, scripts and tests may give ISO strings or dates alike. The wrong fields are left
    out of the values, and the service goes on to say what else is wrong in one answer.
    """
    try:
        return ReaderSchema().load(data, partial=not creating), {}
    except ValidationError as exc:
        return exc.valid_data or {}, dict(validation_failed(exc).fields)


def register_reader(data: dict, *, scope: int | None = None, user=None) -> Reader:
    """Register a reader and issue a card; nothing is written when a field is wrong.

    `scope` (readers_scope): a point keeper registers readers at their point only, which
    is their home library when the form leaves it out. A library's account (`user`)
    registers readers of its own library only (and so sets only their first password).
    """
    own = scope if scope is not None else getattr(user, "library_id", None)
    if own is not None and not data.get("home_library"):
        point = db.session.get(Library, own)
        data = {**data, "home_library": point.code if point else None}
    values, errors = clean_reader_values(data, creating=True)
    reader = Reader(status="active")
    with db.session.no_autoflush:
        # A keeper (scope) is told which field is wrong; another library's account gets a 403.
        _apply(reader, values, errors, creating=True, scope=scope,
               user=user if scope is None else None)  # fmt: skip
    if not reader.card_number:
        reader.card_number = next_card_number()
    if values.get("password"):
        set_reader_password(reader, values["password"])
    try:
        with db.session.begin_nested():
            db.session.add(reader)
            db.session.flush()
    except IntegrityError:
        # The same typed card number registered by another desk a moment before.
        card = reader.card_number
        raise ValidationFailed(
            fields={"card_number": _l("Card number %(card)s is already in use.", card=card)}
        ) from None
    # Counted on the issue date, so cards carried over from an old system count in their year.
    record_event(
        "reader_registered", library=reader.home_library, reader=reader, day=reader.card_issued
    )
    return reader


def update_reader(reader: Reader, data: dict, *, scope: int | None = None, user=None) -> Reader:
    """Change the given fields of a reader (the rest stay as they are); a point keeper
    (`scope`) cannot move a reader to another library; a library's account (`user`) changes
    only its own readers and keeps them there."""
    require_library_scope(user, reader.home_library_id)
    values, errors = clean_reader_values(data, creating=False)
    with db.session.no_autoflush:
        _apply(reader, values, errors, creating=False, scope=scope)
        if reader.home_library is not None:
            require_library_scope(user, reader.home_library.id)
        if "status" in values:
            status = values["status"]
            if status == "blocked":
                block_reader(reader, values.get("blocked_reason") or "", user=user)
            elif status == "active":
                unblock_reader(reader, user=user)
            else:
                raise ValidationFailed(fields={"status": _l("Status is active or blocked.")})
    db.session.flush()
    return reader


def renew_card(reader: Reader, days: int | None = None, *, user=None) -> Reader:
    """Extend the card from today (or from its expiry when it is still valid)."""
    require_library_scope(user, reader.home_library_id)
    today = local_today()
    days = days or current_app.config["CARD_VALIDITY_DAYS"]
    start = max(today, reader.card_expires)
    reader.card_expires = start + timedelta(days=days)
    record_event("card_renewed", library=reader.home_library, reader=reader)
    db.session.flush()
    return reader


def block_reader(reader: Reader, reason: str, *, user=None) -> Reader:
    """Block a reader's card with a reason the desk will show."""
    require_library_scope(user, reader.home_library_id)
    reason = _clean(reason)
    if not reason:
        raise ValidationFailed(fields={"blocked_reason": _l("Say why the card is blocked.")})
    reader.status = "blocked"
    reader.blocked_reason = reason
    record_event("reader_blocked", library=reader.home_library, reader=reader)
    db.session.flush()
    return reader


def unblock_reader(reader: Reader, *, user=None) -> Reader:
    """Lift a block."""
    require_library_scope(user, reader.home_library_id)
    if reader.status == "blocked":
        reader.status = "active"
        reader.blocked_reason = None
        record_event("reader_unblocked", library=reader.home_library, reader=reader)
    db.session.flush()
    return reader


def readers_scope(user) -> int | None:
    """The library whose readers this account is limited to: a point keeper (rotation.point)
    sees and changes only the readers registered at their point; None: no limit."""
    if user is not None and user.can("rotation.point"):
        return user.library_id or 0  # no point: no reader (no library has id 0)
    return None


def get_reader(card_number: str, *, scope: int | None = None) -> Reader:
    """The reader with this card number, or NotFound (also for a reader outside `scope`,
    so a point keeper cannot even learn that the library's other readers exist)."""
    reader = reader_by_card(card_number)
    if reader is not None and scope is not None and reader.home_library_id != scope:
        reader = None
    if reader is None:
        raise NotFound(
            _l("No reader has card number %(card)s.", card=card_number), code="UNKNOWN_READER"
        )
    return reader


def find_readers(
    query: str, *, limit: int = 50, offset: int = 0, scope: int | None = None
) -> list[Reader]:
    """Readers by exact card number, or by name typed with or without diacritics (only
    those registered at `scope`, for a point keeper)."""
    query = nfc(query or "").strip()
    statement = select(Reader)
    if scope is not None:
        statement = statement.where(Reader.home_library_id == scope)
    if not query:
        statement = statement.order_by(Reader.created_at.desc(), Reader.id.desc())
        return list(db.session.scalars(statement.limit(limit).offset(offset)))
    by_card = reader_by_card(query)
    if by_card is not None and (scope is None or by_card.home_library_id == scope):
        return [by_card]
    for word in fold(query).split():
        statement = statement.where(Reader.name_folded.contains(word))
    statement = statement.order_by(Reader.name_folded, Reader.id).limit(limit).offset(offset)
    return list(db.session.scalars(statement))


def set_reader_password(reader: Reader, password: str, *, user=None) -> None:
    """Set the password a reader signs in to the OPAC with: the reader herself, or staff
    (`user`) of her home library."""
    require_library_scope(user, reader.home_library_id)
    if len(password or "") < 6:
        raise ValidationFailed(fields={"password": _l("The password needs at least 6 characters.")})
    reader.password_hash = hash_password(password)


def sign_reader_out(reader: Reader, *, user=None) -> None:
    """End every session of a reader on every phone and computer (a lost phone, a shared
    computer left signed in): staff of her home library only, as for her password."""
    require_library_scope(user, reader.home_library_id)
    end_sessions(reader)


def change_reader_password(reader: Reader, current: str, new: str) -> None:
    """A reader changes her own password, proving the current one."""
    if not check_password(reader.password_hash, current):
        raise ValidationFailed(fields={"current_password": _l("The current password is wrong.")})
    set_reader_password(reader, new)
    db.session.flush()


def authenticate_reader(card_number: str, password: str) -> Reader | None:
    """The reader with this card and password who may sign in, or None."""
    reader = reader_by_card(card_number)
    if reader is None or reader.status == "blocked":
        return None
    return reader if check_password(reader.password_hash, password) else None


def reader_categories() -> list[ReaderCategory]:
    """Reader categories in their configured order."""
    return list(db.session.scalars(select(ReaderCategory).order_by(ReaderCategory.position)))
