"""catalog: an index on upper(item.barcode), to match barcodes without regard to case

Revision ID: a7c3e9f2b5d8
Revises: f5a2c9d1e7b3
Create Date: 2026-12-05 15:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a7c3e9f2b5d8"
down_revision = "f5a2c9d1e7b3"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_item_barcode_upper", "item", [sa.text("upper(barcode)")])


def downgrade():
    op.drop_index("ix_item_barcode_upper", table_name="item")
