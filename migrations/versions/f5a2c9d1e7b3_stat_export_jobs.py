"""stats: statistics exports run as background jobs (stat_export_job)

Revision ID: f5a2c9d1e7b3
Revises: f5a2c9d4e7b1
Create Date: 2026-12-05 15:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "f5a2c9d1e7b3"
down_revision = "f5a2c9d4e7b1"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stat_export_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("period", sa.String(length=40), nullable=False),
        sa.Column("library_code", sa.String(length=20), nullable=True),
        sa.Column("level", sa.String(length=20), nullable=True),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=True),
        sa.Column("content_type", sa.String(length=100), nullable=True),
        sa.Column("path", sa.String(length=500), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("worker", sa.String(length=100), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["staff_user.id"], name=op.f("fk_stat_export_job_user_id_staff_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stat_export_job")),
    )
    with op.batch_alter_table("stat_export_job", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stat_export_job_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("stat_export_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stat_export_job_user_id"))
    op.drop_table("stat_export_job")
