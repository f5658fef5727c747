"""Imports every domain's models so SQLAlchemy and Alembic see the whole schema."""

# Imported for their side effect: each module's tables join the one metadata.
from libsys.accounts import models as accounts_models  # noqa: F401
from libsys.audit import models as audit_models  # noqa: F401
from libsys.catalog import models as catalog_models  # noqa: F401
from libsys.catalog.inventory import models as inventory_models  # noqa: F401
from libsys.catalog.marc import models as marc_models  # noqa: F401
from libsys.catalog.periodicals import models as periodicals_models  # noqa: F401
from libsys.circulation.fines import models as fines_models  # noqa: F401
from libsys.circulation.holds import models as holds_models  # noqa: F401
from libsys.circulation.loans import models as loans_models  # noqa: F401
from libsys.circulation.notices import models as notices_models  # noqa: F401
from libsys.circulation.policies import models as policies_models  # noqa: F401
from libsys.circulation.transfers import models as transfers_models  # noqa: F401
from libsys.circulation.visits import models as visits_models  # noqa: F401
from libsys.core import counters  # noqa: F401
from libsys.network import models as network_models  # noqa: F401
from libsys.readers import models as readers_models  # noqa: F401
from libsys.rotation import models as rotation_models  # noqa: F401
from libsys.search import models as search_models  # noqa: F401
from libsys.stats import models as stats_models  # noqa: F401
from libsys.stats import months as stats_months  # noqa: F401
from libsys.stats import plans as stats_plans  # noqa: F401
from libsys.stats.activities import models as activities_models  # noqa: F401
from libsys.stats.exports import models as exports_models  # noqa: F401
