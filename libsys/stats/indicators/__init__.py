"""Indicators over the event log and the catalogue: one registry, `INDICATORS`."""

from libsys.stats.indicators.base import Indicator
from libsys.stats.indicators.figures import Figures
from libsys.stats.indicators.registry import INDICATORS

__all__ = ["INDICATORS", "Figures", "Indicator"]
