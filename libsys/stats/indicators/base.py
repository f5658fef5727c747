"""An indicator is a small object: a code, labels, a unit, a definition, a computation and
the breakdowns it allows. Exports and the dashboard only iterate `INDICATORS`."""

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import force_locale
from flask_babel.speaklater import LazyString

# What a computation returns: the figure, and the figure per group of the breakdown.
Figure = tuple[float | int | None, dict[str, float | int]]


@dataclass(frozen=True)
class Indicator:
    """One indicator (chỉ tiêu): what it counts, in which unit, and how it may be split."""

    code: str
    label: LazyString
    unit: LazyString
    definition: LazyString
    compute: Callable[..., Figure]  # (figures, breakdown) -> Figure
    breakdowns: tuple[str, ...] = ()
    # ISO 2789 / ISO 11620 (TCVN 12843 / TCVN 11774) reference, where there is one.
    standard: str = ""
    # A sum over events: a closed month's figure is frozen in stat_month and months add up
    # (distinct counts, ratios and holdings are not, and are always computed).
    additive: bool = False

    def labels(self) -> dict[str, str]:
        """The label in Vietnamese and in English."""
        found = {}
        for locale in ("vi", "en"):
            with force_locale(locale):
                found[locale] = str(self.label)
        return found

    def allows(self, breakdown: str | None) -> bool:
        """Whether the indicator can be split by this breakdown (None: always)."""
        return breakdown is None or breakdown in self.breakdowns


def ratio(numerator, denominator, *, scale: float = 1, digits: int = 2):
    """numerator / denominator × scale, rounded; None when the denominator is 0 or unknown."""
    if numerator is None or not denominator:
        return None
    return round(numerator * scale / denominator, digits)


def merge_groups(*groups: dict) -> dict:
    """Groups added up label by label."""
    merged: dict = {}
    for group in groups:
        for label, value in group.items():
            merged[label] = merged.get(label, 0) + value
    return merged
