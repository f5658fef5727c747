"""stats: frozen months' distinct counts per scope (stat_month_distinct) and what a year's
frozen months counted (stat_seen)

Revision ID: d2b8f4a6c1e3
Revises: c3e7a1d5f9b2
Create Date: 2026-12-05 20:25:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "d2b8f4a6c1e3"
down_revision = "c3e7a1d5f9b2"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stat_month_distinct",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("scope_key", sa.String(length=20), nullable=False),
        sa.Column("breakdown", sa.String(length=30), nullable=False),
        sa.Column("group_label", sa.String(length=60), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stat_month_distinct")),
    )
    with op.batch_alter_table("stat_month_distinct", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stat_month_distinct_lookup",
            ["indicator", "scope_key", "year", "month"],
            unique=False,
        )
    op.create_table(
        "stat_seen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=40), nullable=False),
        sa.Column("scope_key", sa.String(length=20), nullable=False),
        sa.Column("member", sa.String(length=40), nullable=False),
        sa.Column("first_month", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stat_seen")),
        sa.UniqueConstraint(
            "year", "indicator", "scope_key", "member", name=op.f("uq_stat_seen_year")
        ),
    )
    with op.batch_alter_table("stat_seen", schema=None) as batch_op:
        batch_op.create_index(
            "ix_stat_seen_first_month",
            ["year", "indicator", "scope_key", "first_month"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("stat_seen", schema=None) as batch_op:
        batch_op.drop_index("ix_stat_seen_first_month")
    op.drop_table("stat_seen")
    with op.batch_alter_table("stat_month_distinct", schema=None) as batch_op:
        batch_op.drop_index("ix_stat_month_distinct_lookup")
    op.drop_table("stat_month_distinct")
