"""Imports every domain's models so SQLAlchemy and Alembic see the whole schema."""

from libsys.modules import import_optional

MODEL_MODULES = (
    "libsys.network.models",
    "libsys.accounts.models",
    "libsys.readers.models",
    "libsys.stats.models",
    "libsys.catalog.models",
    "libsys.catalog.periodicals",
    "libsys.catalog.stocktaking",
    "libsys.search.models",
    "libsys.circulation.models",
    "libsys.circulation.visits",
    "libsys.circulation.transfers",
    "libsys.circulation.notices",
    "libsys.rotation.models",
)

for _name in MODEL_MODULES:
    import_optional(_name)
