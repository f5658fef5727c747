"""Imports every domain's models so SQLAlchemy and Alembic see the whole schema."""

# Imported for their side effect: each module's tables join the one metadata.
from libsys.accounts import models as accounts_models  # noqa: F401
from libsys.catalog import models as catalog_models  # noqa: F401
from libsys.catalog.inventory import models as inventory_models  # noqa: F401
from libsys.catalog.marc import models as marc_models  # noqa: F401
from libsys.catalog.periodicals import models as periodicals_models  # noqa: F401
from libsys.circulation import models as circulation_models  # noqa: F401
from libsys.circulation import notices, transfers, visits  # noqa: F401
from libsys.core import counters  # noqa: F401
from libsys.network import models as network_models  # noqa: F401
from libsys.readers import models as readers_models  # noqa: F401
from libsys.rotation import models as rotation_models  # noqa: F401
from libsys.search import models as search_models  # noqa: F401
from libsys.stats import models as stats_models  # noqa: F401
