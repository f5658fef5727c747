"""Indicator values with their targets, for the API, the dashboard and the exports."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from libsys.errors import ValidationFailed
from libsys.stats.indicators import INDICATORS, Figures, Indicator
from libsys.stats.indicators.queries import BREAKDOWNS
from libsys.stats.periods import Period
from libsys.stats.plans import targets_for
from libsys.stats.scope import Scope


@dataclass
class IndicatorValue:
    """An indicator's figure for a period and scope, its target, and its breakdown."""

    indicator: Indicator
    value: float | int | None
    target_min: float | None
    target_max: float | None
    # {group: value} when a breakdown was asked and the indicator allows it, else None.
    breakdown: dict | None

    def as_json(self) -> dict:
        """The API's shape: code, label (in the request's language), unit, value, targets."""
        return {
            "code": self.indicator.code,
            "label": str(self.indicator.label),
            "unit": str(self.indicator.unit),
            "value": self.value,
            "target_min": self.target_min,
            "target_max": self.target_max,
            "breakdown": self.breakdown,
        }


def check_breakdown(breakdown: str | None) -> None:
    """Refuse an unknown breakdown with a 422 listing the known ones."""
    if breakdown and breakdown not in BREAKDOWNS:
        raise ValidationFailed(
            fields={"breakdown": _l("Choose one of: %(names)s.", names=", ".join(BREAKDOWNS))},
            code="UNKNOWN_BREAKDOWN",
        )


def indicator_values(
    period: Period, scope: Scope, *, breakdown: str | None = None, codes=None, figures=None
) -> list[IndicatorValue]:
    """Every indicator (or those of `codes`, in registry order) for the period and scope.

    An indicator that does not allow the breakdown still gives its total, with breakdown
    None. Targets are the year's (see plans.targets_for); a period across two years has none.
    `figures` (of the same period and scope) shares what was counted between calls, as an
    export asking for every breakdown does.
    """
    check_breakdown(breakdown)
    if codes:
        unknown = [code for code in codes if code not in INDICATORS]
        if unknown:
            raise ValidationFailed(
                fields={"code": _l("Unknown indicator: %(codes)s.", codes=", ".join(unknown))},
                code="UNKNOWN_INDICATOR",
            )
    if figures is None:
        figures = Figures(period, scope)
    targets = targets_for(scope, period.year)
    values = []
    for code, indicator in INDICATORS.items():
        if codes and code not in codes:
            continue
        split = breakdown if indicator.allows(breakdown) else None
        value, groups = figures.get(code, split)
        low, high = targets.get(code, (None, None))
        values.append(
            IndicatorValue(
                indicator,
                value,
                low,
                high,
                dict(sorted(groups.items())) if split else None,
            )
        )
    return values
