"""stats: closed months frozen as snapshots (stat_month) and which months are (stat_month_frozen)

Revision ID: e3f1a6c8b2d7
Revises: b5e2c7d9a1f4
Create Date: 2026-12-05 14:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e3f1a6c8b2d7"
down_revision = "b5e2c7d9a1f4"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stat_month_frozen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("frozen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stat_month_frozen")),
        sa.UniqueConstraint("year", "month", name=op.f("uq_stat_month_frozen_year")),
    )
    op.create_table(
        "stat_month",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("library_id", sa.Integer(), nullable=True),
        sa.Column("breakdown", sa.String(length=30), nullable=False),
        sa.Column("group_label", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["library_id"], ["library.id"], name=op.f("fk_stat_month_library_id_library")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stat_month")),
    )
    with op.batch_alter_table("stat_month", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stat_month_year_month_indicator", ["year", "month", "indicator"], unique=False
        )


def downgrade():
    with op.batch_alter_table("stat_month", schema=None) as batch_op:
        batch_op.drop_index("ix_stat_month_year_month_indicator")
    op.drop_table("stat_month")
    op.drop_table("stat_month_frozen")
