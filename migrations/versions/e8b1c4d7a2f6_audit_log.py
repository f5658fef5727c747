"""The audit log of staff changes.

Revision ID: e8b1c4d7a2f6
Revises: c7e2a9d4f1b6
"""

import sqlalchemy as sa
from alembic import op

revision = "e8b1c4d7a2f6"
down_revision = "c7e2a9d4f1b6"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("user_name", sa.String(length=120), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("table_name", sa.String(length=60), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=True),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("reader_id", sa.Integer(), nullable=True),
        sa.Column("changes", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["staff_user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_entry") as batch_op:
        batch_op.create_index("ix_audit_entry_occurred_at", ["occurred_at"])
        batch_op.create_index("ix_audit_entry_reader", ["reader_id"])
        batch_op.create_index("ix_audit_entry_record", ["record_id"])
        batch_op.create_index("ix_audit_entry_table_row", ["table_name", "row_id"])
        batch_op.create_index("ix_audit_entry_user", ["user_id", "occurred_at"])


def downgrade():
    op.drop_table("audit_entry")
