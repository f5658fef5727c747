"""Figures: the indicators of one period and scope, each computed once; a sum over events
reads its closed months from their frozen snapshot (stats.months) and counts the rest live."""

from dataclasses import dataclass, field

from libsys.stats.indicators.base import Figure, merge_groups
from libsys.stats.indicators.distinct import DISTINCT_CODES, distinct_figure
from libsys.stats.indicators.registry import INDICATORS
from libsys.stats.months import frozen_months, frozen_part, split_period
from libsys.stats.periods import Period
from libsys.stats.scope import Scope, scope_population


@dataclass
class Figures:
    """The period and scope figures are computed for, with what was computed already
    (document uses reuse loans, per-capita figures reuse counts and the population)."""

    period: Period
    scope: Scope
    cache: dict = field(default_factory=dict)
    # Groups keyed (library id, group): what the monthly snapshots store.
    per_library: bool = False
    # Count everything from the event log, never from the frozen months.
    live: bool = False

    def get(self, code: str, breakdown: str | None = None) -> Figure:
        """Another indicator's figure for the same period and scope, computed once."""
        key = (code, breakdown)
        if key not in self.cache:
            indicator = INDICATORS[code]
            found = None
            if indicator.additive and not self.live:
                found = combined_figure(self, indicator, breakdown)
            elif not self.live and not self.per_library and code in DISTINCT_CODES:
                # Distinct counts read their frozen months where there are some.
                found = distinct_figure(self, indicator, breakdown)
            self.cache[key] = found if found is not None else indicator.compute(self, breakdown)
            # The total came with the groups: indicators computed from it reuse it.
            self.cache.setdefault((code, None), (self.cache[key][0], {}))
        return self.cache[key]

    def for_period(self, period: Period) -> "Figures":
        """Fresh figures for another period of the same scope (last year's, for growth)."""
        return Figures(period, self.scope)

    def counted_live(self, period: Period) -> "Figures":
        """Fresh figures for another period of the same scope, counted from the event log."""
        return Figures(period, self.scope, live=True)

    def value(self, code: str):
        """Another indicator's total for the same period and scope."""
        return self.get(code)[0]

    def population(self) -> int | None:
        """The population the scope serves, in the period's year."""
        if "population" not in self.cache:
            self.cache["population"] = scope_population(self.scope, self.period.end.year)
        return self.cache["population"]


def combined_figure(figures, indicator, breakdown):
    """An additive indicator over a period: its frozen months plus the rest counted live."""
    if figures.per_library:
        return indicator.compute(figures, breakdown)
    if "frozen_months" not in figures.cache:
        figures.cache["frozen_months"] = frozen_months()
    whole, live = split_period(figures.period, figures.cache["frozen_months"])
    total, groups = frozen_part(indicator.code, whole, figures.scope, breakdown)
    for span in live:
        part_total, part_groups = figures.counted_live(span).get(indicator.code, breakdown)
        total += part_total
        groups = merge_groups(groups, part_groups)
    return total, groups
