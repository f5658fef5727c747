"""counters and one active hold per reader and title

Card numbers come from a counter taken with one atomic UPDATE (two registrations at once
used to pick the same "highest plus one"). A reader holds at most one active hold per
title: the database enforces it with a partial unique index. Duplicates already there are
cancelled, keeping the oldest.

Revision ID: 5a1f0c2d7e11
Revises: 3c2b7e41d9a0
Create Date: 2026-12-05 08:45:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '5a1f0c2d7e11'
down_revision = '3c2b7e41d9a0'
branch_labels = None
depends_on = None

ACTIVE = "status IN ('waiting', 'in_transit', 'on_shelf')"


def upgrade():
    op.create_table(
        'counter',
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('value', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('name', name=op.f('pk_counter')),
    )
    op.execute(
        "UPDATE hold SET status = 'cancelled', closed_at = CURRENT_TIMESTAMP "
        f"WHERE {ACTIVE} AND EXISTS (SELECT 1 FROM hold AS older "
        "WHERE older.reader_id = hold.reader_id AND older.record_id = hold.record_id "
        f"AND older.{ACTIVE} AND older.id < hold.id)"
    )
    with op.batch_alter_table('hold', schema=None) as batch_op:
        batch_op.create_index(
            'ux_hold_active_reader_record',
            ['reader_id', 'record_id'],
            unique=True,
            sqlite_where=sa.text(ACTIVE),
            postgresql_where=sa.text(ACTIVE),
        )


def downgrade():
    with op.batch_alter_table('hold', schema=None) as batch_op:
        batch_op.drop_index(
            'ux_hold_active_reader_record',
            sqlite_where=sa.text(ACTIVE),
            postgresql_where=sa.text(ACTIVE),
        )
    op.drop_table('counter')
