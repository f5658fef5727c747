"""audit: the library each entry is about (audit_entry.library_id), so a library's
administrator reads her library's entries only

Revision ID: a9c4e2f7b5d1
Revises: d2b8f4a6c1e3
Create Date: 2026-12-06 00:15:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "a9c4e2f7b5d1"
down_revision = "d2b8f4a6c1e3"
branch_labels = None
depends_on = None

# Entries written before this column: their library, read from the row while it exists.
BACKFILL = {
    "item": "SELECT library_id FROM item WHERE item.id = audit_entry.row_id",
    "reader": "SELECT home_library_id FROM reader WHERE reader.id = audit_entry.row_id",
    "circulation_policy": "SELECT library_id FROM circulation_policy"
    " WHERE circulation_policy.id = audit_entry.row_id",
    "holiday": "SELECT library_id FROM holiday WHERE holiday.id = audit_entry.row_id",
    "rotation_batch": "SELECT library_id FROM rotation_batch"
    " WHERE rotation_batch.id = audit_entry.row_id",
    "periodical": "SELECT library_id FROM periodical WHERE periodical.id = audit_entry.row_id",
    "staff_user": "SELECT library_id FROM staff_user WHERE staff_user.id = audit_entry.row_id",
    "store": "SELECT library_id FROM store WHERE store.id = audit_entry.row_id",
    "library": "SELECT id FROM library WHERE library.id = audit_entry.row_id",
}


def upgrade():
    op.add_column("audit_entry", sa.Column("library_id", sa.Integer(), nullable=True))
    op.create_index(
        "ix_audit_entry_library", "audit_entry", ["library_id", "occurred_at"], unique=False
    )
    for table, query in BACKFILL.items():
        op.execute(f"UPDATE audit_entry SET library_id = ({query}) WHERE table_name = '{table}'")


def downgrade():
    op.drop_index("ix_audit_entry_library", table_name="audit_entry")
    op.drop_column("audit_entry", "library_id")
