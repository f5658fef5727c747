"""circulation: renewing while overdue follows a lending rule (circulation_policy.overdue_renewal)

Revision ID: f5a2c9d4e7b1
Revises: e3f1a6c8b2d7
Create Date: 2026-12-05 15:30:00.000000

An empty value inherits from a less specific rule, and finally from the built-in default,
"block" (libsys.circulation.policies.services.BUILT_IN_DEFAULTS).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f5a2c9d4e7b1"
down_revision = "e3f1a6c8b2d7"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("circulation_policy") as batch:
        batch.add_column(sa.Column("overdue_renewal", sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table("circulation_policy") as batch:
        batch.drop_column("overdue_renewal")
