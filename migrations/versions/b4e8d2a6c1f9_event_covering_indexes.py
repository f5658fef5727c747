"""stats: the event log's counts read covering indexes (kind, day, then library, pseudonym
or copy) instead of the rows

Revision ID: b4e8d2a6c1f9
Revises: a8c3e5f7d9b1
Create Date: 2026-12-05 16:10:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "b4e8d2a6c1f9"
down_revision = "a8c3e5f7d9b1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_event_kind_day_library", "event", ["kind", "day", "library_id"])
    op.create_index("ix_event_kind_day_reader", "event", ["kind", "day", "reader_key"])
    op.create_index("ix_event_kind_day_item", "event", ["kind", "day", "item_id"])
    op.drop_index("ix_event_kind_day", table_name="event")


def downgrade():
    op.create_index("ix_event_kind_day", "event", ["kind", "day"])
    op.drop_index("ix_event_kind_day_item", table_name="event")
    op.drop_index("ix_event_kind_day_reader", table_name="event")
    op.drop_index("ix_event_kind_day_library", table_name="event")
