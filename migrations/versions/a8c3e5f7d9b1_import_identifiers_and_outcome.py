"""catalog: identifiers an import matches on (record_identifier); an import job's branch
map, copies not created and outcome (records created, matches, copies not created)

Revision ID: a8c3e5f7d9b1
Revises: a7c3e9f2b5d8
Create Date: 2026-12-05 16:00:00.000000

Records imported before this revision have no rows in record_identifier: a re-import
matches them by 001 + 003 and ISBN as before, not by LCCN, Koha biblionumber or content.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a8c3e5f7d9b1"
down_revision = "a7c3e9f2b5d8"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "record_identifier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("scheme", sa.String(length=20), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(["record_id"], ["record.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_record_identifier_record_id", "record_identifier", ["record_id"], unique=False
    )
    op.create_index("ix_record_identifier_value", "record_identifier", ["scheme", "value"])
    with op.batch_alter_table("import_job") as batch:
        batch.add_column(
            sa.Column("items_skipped", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("branch_map", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("outcome", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("import_job") as batch:
        batch.drop_column("outcome")
        batch.drop_column("branch_map")
        batch.drop_column("items_skipped")
    op.drop_index("ix_record_identifier_value", table_name="record_identifier")
    op.drop_index("ix_record_identifier_record_id", table_name="record_identifier")
    op.drop_table("record_identifier")
