"""Policy lookup (most specific rule wins) and due dates over the library calendar.

Specificity: a rule matches when each of its keys is empty or equal to the checkout's
value; among matching rules, the one with more keys set wins, ties broken in the order
library > reader category > item type > store. Each value is taken from the most specific
matching rule that sets it, then from less specific ones (the network default row has every
key empty), then from BUILT_IN_DEFAULTS.

Due dates: start + loan days, never past the card's expiry. When the expiry caps the date
we move to the previous open day (lending past the card's expiry is what the cap forbids);
otherwise we move to the next open day (the reader gets a little longer, never less).
"""

from dataclasses import dataclass, fields
from datetime import date, timedelta

from flask_babel import format_number, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import Date, Integer, bindparam, cast, null, or_, select, union_all

from libsys.accounts.scope import require_library_scope
from libsys.circulation.policies.models import CirculationPolicy, ClosedWeekday, Holiday
from libsys.core.dates import read_date
from libsys.core.forms import read_name, whole_number
from libsys.db import plain_rows
from libsys.errors import ValidationFailed
from libsys.extensions import db
from libsys.network.models import Library, Store
from libsys.readers.models import ReaderCategory

BUILT_IN_DEFAULTS = {
    "loan_days": 14,
    "max_loans": 5,
    "max_loans_per_type": None,  # no per-type limit
    "renewals_allowed": 2,
    "renewal_days": 14,
    "holds_allowed": 3,
    "hold_shelf_days": 3,
    "fine_per_day": 0,
    "grace_days": 0,
    "fine_cap": None,
    "overdue_blocks": True,
    "overdue_renewal": "block",
}
# Renewing while overdue (Koha's OverduesBlockRenewing).
OVERDUE_RENEWAL_CHOICES = {
    "allow": _l("Allow: overdue loans are renewed too"),
    "block": _l("Block: a reader with an overdue loan renews nothing"),
    "block_item": _l("Block only the overdue copy: the other loans are renewed"),
}
# A year of closed days in a row means a misconfigured calendar; stop looking.
MAX_CALENDAR_SEARCH = 366


@dataclass(frozen=True)
class EffectivePolicy:
    """The values that apply to one checkout, with the rules they came from."""

    loan_days: int
    max_loans: int
    max_loans_per_type: int | None
    renewals_allowed: int
    renewal_days: int
    holds_allowed: int
    hold_shelf_days: int
    fine_per_day: int
    grace_days: int
    fine_cap: int | None
    overdue_blocks: bool
    overdue_renewal: str
    rule_ids: tuple = ()


POLICY_VALUES = tuple(f.name for f in fields(EffectivePolicy) if f.name != "rule_ids")


def _specificity(rule: CirculationPolicy) -> tuple:
    keys = (
        rule.library_id is not None,
        rule.reader_category_id is not None,
        rule.item_type is not None,
        rule.store_id is not None,
    )
    return (sum(keys), *keys)


# Built once at import: building a statement costs several times what running it costs on
# the desk's hot path. Rules are read as plain rows (no ORM objects are needed to merge them).
_POLICY = CirculationPolicy.__table__
_RULES_FOR = select(_POLICY).where(
    or_(_POLICY.c.library_id.is_(None), _POLICY.c.library_id == bindparam("library_id")),
    or_(
        _POLICY.c.reader_category_id.is_(None),
        _POLICY.c.reader_category_id == bindparam("category_id"),
    ),
)
_RULES_FOR_ITEM = _RULES_FOR.where(
    or_(_POLICY.c.item_type.is_(None), _POLICY.c.item_type == bindparam("item_type")),
    or_(_POLICY.c.store_id.is_(None), _POLICY.c.store_id == bindparam("store_id")),
)
_RULES_FOR_ANY_ITEM = _RULES_FOR.where(_POLICY.c.item_type.is_(None), _POLICY.c.store_id.is_(None))


def policy_for(library, reader_category, item=None) -> EffectivePolicy:
    """The policy for lending `item` at `library` to a reader of `reader_category`."""
    params = {
        "library_id": getattr(library, "id", library),
        "category_id": getattr(reader_category, "id", reader_category),
    }
    if item is not None:
        query = _RULES_FOR_ITEM
        params.update(item_type=item.item_type, store_id=item.store_id)
    else:
        query = _RULES_FOR_ANY_ITEM
    rules = sorted(
        plain_rows(query, **params), key=lambda r: (_specificity(r), -r.id), reverse=True
    )
    values, used = {}, []
    for name in POLICY_VALUES:
        for rule in rules:
            value = getattr(rule, name)
            if value is not None:
                values[name] = value
                if rule.id not in used:
                    used.append(rule.id)
                break
        else:
            values[name] = BUILT_IN_DEFAULTS[name]
    return EffectivePolicy(**values, rule_ids=tuple(used))


def _as_date(value) -> date:
    """SQLite hands back dates from a UNION as text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


# One query for both closed weekdays and holidays (the desk asks at every checkout).
_CALENDAR = union_all(
    select(
        ClosedWeekday.weekday.label("weekday"),
        cast(null(), Date).label("first_day"),
        cast(null(), Date).label("last_day"),
    ).where(ClosedWeekday.library_id == bindparam("library_id")),
    select(cast(null(), Integer).label("weekday"), Holiday.first_day, Holiday.last_day).where(
        or_(Holiday.library_id.is_(None), Holiday.library_id == bindparam("library_id"))
    ),
)


class Calendar:
    """A library's closed weekdays and holidays (its own and the network's)."""

    def __init__(self, library):
        library_id = getattr(library, "id", library)
        self.closed_weekdays, self.holidays = set(), []
        for weekday, first_day, last_day in plain_rows(_CALENDAR, library_id=library_id):
            if weekday is not None:
                self.closed_weekdays.add(weekday)
            else:
                self.holidays.append((_as_date(first_day), _as_date(last_day)))

    def is_open(self, day: date) -> bool:
        """Whether the library is open on a day."""
        if day.weekday() in self.closed_weekdays:
            return False
        return not any(first <= day <= last for first, last in self.holidays)

    def next_open_day(self, day: date) -> date:
        """The day itself when open, else the next open day."""
        for offset in range(MAX_CALENDAR_SEARCH):
            candidate = day + timedelta(days=offset)
            if self.is_open(candidate):
                return candidate
        return day

    def previous_open_day(self, day: date, *, not_before: date | None = None) -> date:
        """The day itself when open, else the previous open day (not before `not_before`)."""
        for offset in range(MAX_CALENDAR_SEARCH):
            candidate = day - timedelta(days=offset)
            if not_before is not None and candidate < not_before:
                break
            if self.is_open(candidate):
                return candidate
        return day


def due_date_for(policy, library, reader, start: date, *, days: int | None = None) -> date:
    """The due date of a loan starting on `start` (or a renewal of `days` from `start`)."""
    due = start + timedelta(days=policy.loan_days if days is None else days)
    calendar = Calendar(library)
    expiry = reader.card_expires if reader is not None else None
    if expiry is not None and start <= expiry < due:
        return calendar.previous_open_day(expiry, not_before=start)
    moved = calendar.next_open_day(due)
    if expiry is not None and start <= expiry < moved:
        return calendar.previous_open_day(expiry, not_before=start)
    return moved


def shelf_expiry_for(policy, library, start: date) -> date:
    """Last day a trapped copy waits on the hold shelf: hold-shelf days of opening, then open."""
    return Calendar(library).next_open_day(start + timedelta(days=policy.hold_shelf_days))


# --- Editing rules and calendars (the policies page) --------------------------------------

POLICY_KEYS = ("library_id", "reader_category_id", "item_type", "store_id")
BOOLEAN_VALUES = ("overdue_blocks",)
CHOICE_VALUES = {"overdue_renewal": OVERDUE_RENEWAL_CHOICES}
# The largest value each number may take: beyond it is a slip of the keyboard, not a rule.
MAX_DAYS, MAX_COUNT, MAX_MONEY = 3650, 1000, 100_000_000
VALUE_LIMITS = {
    "loan_days": MAX_DAYS,
    "max_loans": MAX_COUNT,
    "max_loans_per_type": MAX_COUNT,
    "renewals_allowed": MAX_COUNT,
    "renewal_days": MAX_DAYS,
    "holds_allowed": MAX_COUNT,
    "hold_shelf_days": MAX_DAYS,
    "fine_per_day": MAX_MONEY,
    "grace_days": MAX_DAYS,
    "fine_cap": MAX_MONEY,
}
MAX_ITEM_TYPE = 20  # CirculationPolicy.item_type
MAX_HOLIDAY_NAME = 200  # Holiday.name
# What each key of a rule must name, and what to say when it names nothing.
KEY_MODELS = {
    "library_id": (Library, _l("No such library: choose one from the list.")),
    "reader_category_id": (
        ReaderCategory,
        _l("No such reader category: choose one from the list."),
    ),
    "store_id": (Store, _l("No such store: choose one from the list.")),
}


def _existing_id(name: str, raw, errors: dict) -> int | None:
    """The id a key field names (None when empty); a field error when it names nothing."""
    raw = str(raw if raw is not None else "").strip()
    if not raw:
        return None
    model, message = KEY_MODELS[name]
    number = whole_number(raw)
    if number is None or db.session.get(model, number) is None:
        errors[name] = message
        return None
    return number


def specificity(rule: CirculationPolicy) -> tuple:
    """Sort key: the network default first, the most specific rules last."""
    return (*_specificity(rule), rule.id or 0)


def store_options() -> list[tuple[str, str]]:
    """(id, "LIB · STORE name") for every store, for the rule form."""
    rows = db.session.execute(
        select(Store.id, Library.code, Store.code, Store.name)
        .join(Library, Library.id == Store.library_id)
        .order_by(Library.code, Store.code)
    ).all()
    return [(str(sid), f"{lib} · {code} — {name}") for sid, lib, code, name in rows]


def policy_values(rule: CirculationPolicy) -> dict:
    """A rule as form values (empty strings for "any" and "inherit")."""
    values = {}
    for name in (*POLICY_KEYS, *POLICY_VALUES):
        value = getattr(rule, name)
        if name in BOOLEAN_VALUES:
            values[name] = "" if value is None else ("1" if value else "0")
        elif name in CHOICE_VALUES:
            values[name] = value or ""
        else:
            values[name] = "" if value is None else str(value)
    values["notes"] = rule.notes or ""
    return values


def save_policy(
    values: dict, rule: CirculationPolicy | None = None, *, user=None
) -> CirculationPolicy:
    """Create or change a rule from form values; empty keys mean any, empty values inherit.

    A library's account (`user`) keeps to its own library's rules: a rule for any library
    (the network default) or for another library is a network account's."""
    if rule is not None:
        require_library_scope(user, rule.library_id)
    errors, parsed = {}, {}
    for name in ("library_id", "reader_category_id", "store_id"):
        parsed[name] = _existing_id(name, values.get(name), errors)
    parsed["item_type"] = (values.get("item_type") or "").strip() or None
    if parsed["item_type"] and len(parsed["item_type"]) > MAX_ITEM_TYPE:
        errors["item_type"] = _l("Write at most %(n)s characters.", n=MAX_ITEM_TYPE)
    for name in POLICY_VALUES:
        raw = (values.get(name) or "").strip()
        if name in BOOLEAN_VALUES:
            parsed[name] = None if raw == "" else raw in ("1", "true", "on", "yes")
        elif name in CHOICE_VALUES:
            parsed[name] = raw or None
            if raw and raw not in CHOICE_VALUES[name]:
                errors[name] = _l("Choose one of the listed values, or leave empty.")
        elif raw == "":
            parsed[name] = None
        else:
            parsed[name] = whole_number(raw, VALUE_LIMITS[name])
            if parsed[name] is None:
                errors[name] = _l(
                    "Enter a whole number from 0 to %(maximum)s, or leave empty.",
                    maximum=format_number(VALUE_LIMITS[name]),
                )
    if errors:
        raise ValidationFailed(fields=errors)
    require_library_scope(user, parsed["library_id"])
    if parsed["store_id"] is not None:
        require_library_scope(user, db.session.get(Store, parsed["store_id"]).library_id)
    _refuse_duplicate(parsed, rule)
    rule = rule or CirculationPolicy()
    for name, value in parsed.items():
        setattr(rule, name, value)
    rule.notes = (values.get("notes") or "").strip() or None
    db.session.add(rule)
    db.session.flush()
    return rule


def _refuse_duplicate(keys: dict, rule: CirculationPolicy | None) -> None:
    """Refuse a second rule with the same keys: only one of them would ever be used."""
    query = select(CirculationPolicy)
    for name in POLICY_KEYS:
        column = getattr(CirculationPolicy, name)
        query = query.where(column.is_(None) if keys[name] is None else column == keys[name])
    if rule is not None and rule.id is not None:
        query = query.where(CirculationPolicy.id != rule.id)
    existing = db.session.scalars(query.order_by(CirculationPolicy.id).limit(1)).first()
    if existing is None:
        return
    message = _l(
        "Rule no. %(id)s already applies to the same keys (%(keys)s): change that rule instead.",
        id=existing.id,
        keys=_describe_keys(existing),
    )
    raise ValidationFailed(
        message,
        code="DUPLICATE_RULE",
        fields={"library_id": message},
        details={"rule_id": existing.id},
    )


def _describe_keys(rule: CirculationPolicy) -> str:
    """A rule's keys as the policies page shows them: "TVLC · any · book · any"."""
    any_value = str(_l("any"))
    locale = str(get_locale() or "vi")
    parts = [
        rule.library.code if rule.library else any_value,
        rule.reader_category.label(locale) if rule.reader_category else any_value,
        rule.item_type or any_value,
        f"{rule.store.library.code} · {rule.store.code}" if rule.store else any_value,
    ]
    return " · ".join(parts)


def set_closed_weekdays(library_id: int | None, weekdays: list[int], *, user=None) -> None:
    """Replace a library's closed weekdays (0 = Monday ... 6 = Sunday); `user`: its own."""
    if not library_id:
        raise ValidationFailed(fields={"library_id": _l("Choose a library.")})
    errors = {}
    library_id = _existing_id("library_id", library_id, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    require_library_scope(user, library_id)
    for row in db.session.scalars(
        select(ClosedWeekday).where(ClosedWeekday.library_id == library_id)
    ):
        db.session.delete(row)
    db.session.flush()
    for day in sorted(set(d for d in weekdays if 0 <= d <= 6)):
        db.session.add(ClosedWeekday(library_id=library_id, weekday=day))
    db.session.flush()


def add_holiday(values: dict, *, user=None) -> Holiday:
    """A holiday from form values: name, first_day, last_day (optional), library_id or none
    (the whole network's, which only a network account adds)."""
    errors = {}
    name = read_name(values.get("name"), "name", errors, _l("This field is required."))
    if name and len(name) > MAX_HOLIDAY_NAME:
        errors["name"] = _l("Write at most %(n)s characters.", n=MAX_HOLIDAY_NAME)
    library_id = _existing_id("library_id", values.get("library_id"), errors)
    days = {}
    for field_name in ("first_day", "last_day"):
        days[field_name] = read_date(values.get(field_name), field_name, errors)
    if not days.get("first_day") and "first_day" not in errors:
        errors["first_day"] = _l("This field is required.")
    last = days.get("last_day") or days.get("first_day")
    if days.get("first_day") and last and last < days["first_day"]:
        errors["last_day"] = _l("The last day comes before the first.")
    if errors:
        raise ValidationFailed(fields=errors)
    require_library_scope(user, library_id)
    holiday = Holiday(
        library_id=library_id,
        name=name,
        first_day=days["first_day"],
        last_day=last,
    )
    db.session.add(holiday)
    db.session.flush()
    return holiday


def delete_policy(rule_id: int, *, user=None) -> bool:
    """Remove a lending rule; False when there was none with this id."""
    rule = db.session.get(CirculationPolicy, rule_id)
    if rule is None:
        return False
    require_library_scope(user, rule.library_id)
    db.session.delete(rule)
    db.session.flush()
    return True


def delete_holiday(holiday_id: int, *, user=None) -> bool:
    """Remove a holiday; False when there was none with this id."""
    holiday = db.session.get(Holiday, holiday_id)
    if holiday is None:
        return False
    require_library_scope(user, holiday.library_id)
    db.session.delete(holiday)
    db.session.flush()
    return True
