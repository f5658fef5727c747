"""stats: an index of the events that carry a reader's pseudonym by library and day
(ix_event_reader_library_day), so the students reached read it alone

Revision ID: b6e1d9f3a7c2
Revises: c4d8e2a6f1b9
Create Date: 2026-12-06 00:45:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "b6e1d9f3a7c2"
down_revision = "c4d8e2a6f1b9"
branch_labels = None
depends_on = None

READER_KEY_ROWS = sa.text(
    "kind IN ('visit', 'reader_registered', 'card_renewed', 'online_activity')"
)


def upgrade():
    op.create_index(
        "ix_event_reader_library_day",
        "event",
        ["library_id", "day", "reader_category", "reader_key"],
        unique=False,
        postgresql_where=READER_KEY_ROWS,
        sqlite_where=READER_KEY_ROWS,
    )


def downgrade():
    op.drop_index("ix_event_reader_library_day", table_name="event")
