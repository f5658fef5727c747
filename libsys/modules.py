"""Importing a domain's optional module (models, api, demo) when the domain has one."""

from importlib import import_module
from types import ModuleType


def import_optional(name: str) -> ModuleType | None:
    """Import a module, or None when it (or its package) does not exist yet."""
    try:
        return import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.startswith(exc.name):
            return None
        raise
