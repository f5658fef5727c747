"""stats: a plan entered by a library's manager is kept by that library (stat_plan.library_id)

Revision ID: c3e7a1d5f9b2
Revises: e8b1c4d7a2f6
Create Date: 2026-12-05 19:20:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "c3e7a1d5f9b2"
down_revision = "e8b1c4d7a2f6"
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its reference in one statement (no ALTER ... ADD
        # CONSTRAINT), and a batch copy would drop a table the targets point at.
        op.execute(
            "ALTER TABLE stat_plan ADD COLUMN library_id INTEGER "
            "CONSTRAINT fk_stat_plan_library_id_library REFERENCES library (id)"
        )
    else:
        op.add_column("stat_plan", sa.Column("library_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            "fk_stat_plan_library_id_library", "stat_plan", "library", ["library_id"], ["id"]
        )
    op.create_index("ix_stat_plan_library_id", "stat_plan", ["library_id"])


def downgrade():
    op.drop_index("ix_stat_plan_library_id", table_name="stat_plan")
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("stat_plan") as batch_op:
            batch_op.drop_column("library_id")
    else:
        op.drop_constraint("fk_stat_plan_library_id_library", "stat_plan", type_="foreignkey")
        op.drop_column("stat_plan", "library_id")
