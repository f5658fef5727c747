"""Entering plans (kế hoạch) and their targets (chỉ tiêu): who may, and what a target says.

A network account keeps every plan and sets targets for a library, a level of library or
the whole network; a library's manager keeps the plans she entered, with targets for her
library only.
"""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from libsys.core.dates import InvalidDate, parse_date
from libsys.core.forms import whole_number
from libsys.db import lock_row
from libsys.errors import NotFound, PermissionDenied, ValidationFailed
from libsys.extensions import db
from libsys.network.models import LIBRARY_LEVELS, Library
from libsys.stats.charts import format_figure
from libsys.stats.indicators import INDICATORS
from libsys.stats.plans import Plan, PlanTarget
from libsys.text import nfc

FIRST_YEAR, LAST_YEAR = 2000, 2100
NETWORK = "network"
# "8.000", "8,000", "1,5", "0.4", "90 %": digits with thousands or decimal separators.
_NUMBER = r"\d[\d.,\s]*"
_RANGE = re.compile(rf"^({_NUMBER})\s*[-–—]\s*({_NUMBER})$")
_AT_LEAST = re.compile(rf"^(?:>=|≥|>|từ|ít nhất|at least)\s*({_NUMBER})$", re.IGNORECASE)
_AT_MOST = re.compile(rf"^(?:<=|≤|<|tối đa|at most)\s*({_NUMBER})$", re.IGNORECASE)


def plans_for(user) -> list[Plan]:
    """Every plan (they are public documents), the latest years and issue first."""
    return list(
        db.session.scalars(
            select(Plan).order_by(Plan.last_year.desc(), Plan.issued_on.desc(), Plan.id.desc())
        )
    )


def get_plan(plan_id: int) -> Plan:
    """A plan by id, or NotFound."""
    plan = db.session.get(Plan, plan_id)
    if plan is None:
        raise NotFound(_l("There is no such plan."))
    return plan


def get_target(plan: Plan, target_id: int) -> PlanTarget:
    """One target of a plan, or NotFound."""
    target = db.session.get(PlanTarget, target_id)
    if target is None or target.plan_id != plan.id:
        raise NotFound(_l("This plan has no such target."))
    return target


def may_keep(user, plan: Plan) -> bool:
    """Whether this account may change the plan: a network account any, a library's its own."""
    return user.library_id is None or plan.library_id == user.library_id


def _check_keeper(user, plan: Plan) -> None:
    if not may_keep(user, plan):
        raise PermissionDenied(_l("You change only the plans your library entered."))


def save_plan(user, plan: Plan | None = None, *, number, issuer, issued_on, first_year,
              last_year, title) -> Plan:  # fmt: skip
    """Record a plan document (or correct one): number, issuer, date, years, title."""
    errors: dict = {}
    if plan is not None:
        _check_keeper(user, plan)
        lock_row(Plan, plan.id)  # its targets' years are checked against the new period
    number = nfc(str(number or "")).strip() or None
    if number and len(number) > 60:
        errors["number"] = _l("At most %(n)s characters.", n=60)
    issuer = nfc(str(issuer or "")).strip()
    if not issuer:
        errors["issuer"] = _l("Write who issued the plan.")
    elif len(issuer) > 300:
        errors["issuer"] = _l("At most %(n)s characters.", n=300)
    title = nfc(str(title or "")).strip()
    if not title:
        errors["title"] = _l("Write the plan's title.")
    elif len(title) > 500:
        errors["title"] = _l("At most %(n)s characters.", n=500)
    try:
        issued = parse_date(issued_on)
    except InvalidDate:
        issued = None
        errors["issued_on"] = _l("Write the date as dd/mm/yyyy.")
    first, last = _year(first_year, "first_year", errors), _year(last_year, "last_year", errors)
    if first is not None and last is None and not str(last_year or "").strip():
        last = first
        errors.pop("last_year", None)
    if first is not None and last is not None and last < first:
        errors["last_year"] = _l("The last year comes after the first.")
    if plan is not None and first is not None and last is not None and "last_year" not in errors:
        outside = sorted({t.year for t in plan.targets if not first <= t.year <= last})
        if outside:
            errors["first_year"] = _l(
                "The plan has targets for %(years)s: change or delete them first.",
                years=", ".join(str(year) for year in outside),
            )
    if errors:
        raise ValidationFailed(fields=errors)
    if plan is None:
        plan = Plan(library_id=user.library_id)
        db.session.add(plan)
    plan.number, plan.issuer, plan.issued_on, plan.title = number, issuer, issued, title
    plan.first_year, plan.last_year = first, last
    db.session.flush()
    return plan


def delete_plan(user, plan: Plan) -> None:
    """Delete a plan and its targets (the dashboard no longer measures against them)."""
    _check_keeper(user, plan)
    db.session.delete(plan)
    db.session.flush()


def _year(value, name: str, errors: dict) -> int | None:
    text = str(value if value is not None else "").strip()
    if not text:
        errors[name] = _l("Write the year.")
        return None
    number = whole_number(text)
    if number is None or not FIRST_YEAR <= number <= LAST_YEAR:
        errors[name] = _l("Write a year from %(first)s to %(last)s.", first=FIRST_YEAR,
                          last=LAST_YEAR)  # fmt: skip
        return None
    return number


def parse_number(text: str) -> float | None:
    """A figure as people write it: 8.000, 8,000 or 8 000 (thousands), 1,5 or 0.4 (decimals)."""
    text = re.sub(r"\s+", "", str(text or "")).rstrip("%")
    if not text or not re.fullmatch(r"[\d.,]+", text) or not text[0].isdigit():
        return None
    if "." in text and "," in text:
        decimal = "." if text.rfind(".") > text.rfind(",") else ","
        whole, _sep, fraction = text.rpartition(decimal)
        grouped = whole.replace("," if decimal == "." else ".", "")
        text = f"{grouped}.{fraction}"
    else:
        separator = "." if "." in text else "," if "," in text else None
        if separator:
            parts = text.split(separator)
            thousands = (
                all(len(part) == 3 for part in parts[1:])
                and 1 <= len(parts[0]) <= 3
                and not parts[0].startswith("0")
            )
            if len(parts) > 2 and not thousands:
                return None
            text = "".join(parts) if thousands else text.replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        return None
    return int(number) if number.is_integer() else number


def parse_target_value(text) -> tuple[float | None, float | None]:
    """(min, max) from "35.000", "8.000-9.000", "≥ 500" or "≤ 5"; ValueError for other text."""
    text = nfc(str(text or "")).strip()
    if match := _RANGE.match(text):
        low, high = parse_number(match.group(1)), parse_number(match.group(2))
    elif match := _AT_LEAST.match(text):
        low, high = parse_number(match.group(1)), None
        if low is None:
            raise ValueError(text)
        return low, None
    elif match := _AT_MOST.match(text):
        high = parse_number(match.group(1))
        if high is None:
            raise ValueError(text)
        return None, high
    else:
        low = high = parse_number(text)
    if low is None or high is None:
        raise ValueError(text)
    return low, high


def format_target(target: PlanTarget) -> str:
    """A target's value as the plan writes it: 35.000, 8.000–9.000, ≥ 500, ≤ 5."""
    low, high = target.value_min, target.value_max
    if low is not None and high is not None:
        return format_figure(low) if low == high else f"{format_figure(low)}–{format_figure(high)}"
    return f"≥ {format_figure(low)}" if low is not None else f"≤ {format_figure(high)}"


def scope_value(target: PlanTarget) -> str:
    """The scope field's value for a target: "library:TVTD", "level:district" or "network"."""
    if target.library is not None:
        return f"library:{target.library.code}"
    return f"level:{target.level}" if target.level else NETWORK


def libraries_for(user) -> list[Library]:
    """The libraries this account may set targets for: its own, or every one."""
    query = select(Library).order_by(Library.code)
    if user.library_id is not None:
        query = query.where(Library.id == user.library_id)
    return list(db.session.scalars(query))


def _scope(user, value, errors: dict) -> tuple[Library | None, str | None]:
    """The library or level a scope field names (both None: the whole network)."""
    value = str(value or "").strip()
    kind, _sep, code = value.partition(":")
    if user.library_id is not None and kind != "library":
        errors["scope"] = _l("You set targets for your own library only.")
        return None, None
    if value == NETWORK:
        return None, None
    if kind == "level" and code in LIBRARY_LEVELS:
        return None, code
    if kind == "library":
        library = db.session.scalar(select(Library).where(Library.code == code))
        if library is not None:
            if not user.can_act_for(library.id):
                errors["scope"] = _l("You set targets for your own library only.")
            return library, None
    errors["scope"] = _l("Choose a library, a level of library or the whole network.")
    return None, None


def save_targets(user, plan: Plan, target: PlanTarget | None = None, *, scope, indicator,
                 year, last_year=None, value) -> list[PlanTarget]:  # fmt: skip
    """Set a target for one year, or the same for each year from `year` to `last_year`.

    Editing (`target` given) changes that one row. A plan has one target per scope, year and
    indicator: the plan's row is locked while that is checked, so two managers adding the
    same target at once leave one.
    """
    _check_keeper(user, plan)
    if target is not None:
        _check_own_target(user, target)
    lock_row(Plan, plan.id)
    errors: dict = {}
    library, level = _scope(user, scope, errors)
    if indicator not in INDICATORS:
        errors["indicator"] = _l("Choose an indicator.")
    first = _year(year, "year", errors)
    last = first
    if target is None and str(last_year or "").strip():
        last = _year(last_year, "last_year", errors)
    for name, number in (("year", first), ("last_year", last)):
        if number is not None and not plan.first_year <= number <= plan.last_year:
            errors[name] = _l("The plan covers %(first)s to %(last)s.", first=plan.first_year,
                              last=plan.last_year)  # fmt: skip
    if first is not None and last is not None and last < first and "last_year" not in errors:
        errors["last_year"] = _l("The last year comes after the first.")
    try:
        low, high = parse_target_value(value)
    except ValueError:
        low = high = None
        errors["value"] = _l("Write a number (35.000) or a range (8.000-9.000).")
    else:
        if (low is not None and low < 0) or (high is not None and high < 0):
            errors["value"] = _l("A target is not negative.")
        elif low is not None and high is not None and high < low:
            errors["value"] = _l("The range goes from the smaller number to the larger.")
    if errors:
        raise ValidationFailed(fields=errors)
    years = range(first, last + 1)
    taken = db.session.scalars(
        select(PlanTarget.year).where(
            PlanTarget.plan_id == plan.id,
            PlanTarget.indicator == indicator,
            PlanTarget.library_id == library.id if library else PlanTarget.library_id.is_(None),
            PlanTarget.level == level if level else PlanTarget.level.is_(None),
            PlanTarget.year.in_(list(years)),
            PlanTarget.id != (target.id if target is not None else -1),
        )
    ).all()
    if taken:
        raise ValidationFailed(
            fields={
                "year": _l(
                    "The plan already has this target for %(years)s: change that one.",
                    years=", ".join(str(y) for y in sorted(taken)),
                )
            }
        )
    rows = [target] if target is not None else [PlanTarget(plan=plan) for _ in years]
    for row, number in zip(rows, years, strict=True):
        row.library, row.level, row.indicator, row.year = library, level, indicator, number
        row.value_min, row.value_max = low, high
        db.session.add(row)
    db.session.flush()
    return rows


def _check_own_target(user, target: PlanTarget) -> None:
    if user.library_id is not None and target.library_id != user.library_id:
        raise PermissionDenied(_l("You set targets for your own library only."))


def delete_target(user, plan: Plan, target: PlanTarget) -> None:
    """Delete one target of a plan."""
    _check_keeper(user, plan)
    _check_own_target(user, target)
    db.session.delete(target)
    db.session.flush()
