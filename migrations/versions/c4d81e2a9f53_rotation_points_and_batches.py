"""rotation: points' contact and population, batches and their copies

A rotation point (a library of level "point") gets the person who keeps it and the
population it serves. A rotation batch carries copies from a library to a point and back;
a partial unique index keeps a copy in one open batch at a time.

Revision ID: c4d81e2a9f53
Revises: 9b4e2f7a1c30
Create Date: 2026-12-05 11:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4d81e2a9f53'
down_revision = '9b4e2f7a1c30'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('library', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contact_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('population_served', sa.Integer(), nullable=True))
    op.create_table(
        'rotation_batch',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('library_id', sa.Integer(), nullable=False),
        sa.Column('point_id', sa.Integer(), nullable=False),
        sa.Column('state', sa.String(length=20), nullable=False),
        sa.Column('priority_groups', sa.JSON(), nullable=True),
        sa.Column('planned_dispatch', sa.Date(), nullable=True),
        sa.Column('planned_return', sa.Date(), nullable=False),
        sa.Column('approved_by_id', sa.Integer(), nullable=True),
        sa.Column('note', sa.String(length=500), nullable=True),
        sa.Column('dispatched_on', sa.Date(), nullable=True),
        sa.Column('received_on', sa.Date(), nullable=True),
        sa.Column('return_started_on', sa.Date(), nullable=True),
        sa.Column('closed_on', sa.Date(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['approved_by_id'], ['staff_user.id'], name=op.f('fk_rotation_batch_approved_by_id_staff_user')),
        sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_rotation_batch_created_by_id_staff_user')),
        sa.ForeignKeyConstraint(['library_id'], ['library.id'], name=op.f('fk_rotation_batch_library_id_library')),
        sa.ForeignKeyConstraint(['point_id'], ['library.id'], name=op.f('fk_rotation_batch_point_id_library')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rotation_batch')),
    )
    with op.batch_alter_table('rotation_batch', schema=None) as batch_op:
        batch_op.create_index('ix_rotation_batch_library_state', ['library_id', 'state'], unique=False)
        batch_op.create_index('ix_rotation_batch_point_state', ['point_id', 'state'], unique=False)
    op.create_table(
        'rotation_batch_item',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.Column('item_id', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('received', sa.Boolean(), nullable=True),
        sa.Column('outcome', sa.String(length=20), nullable=True),
        sa.Column('added_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['batch_id'], ['rotation_batch.id'], name=op.f('fk_rotation_batch_item_batch_id_rotation_batch')),
        sa.ForeignKeyConstraint(['item_id'], ['item.id'], name=op.f('fk_rotation_batch_item_item_id_item')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rotation_batch_item')),
    )
    with op.batch_alter_table('rotation_batch_item', schema=None) as batch_op:
        batch_op.create_index('ix_rotation_batch_item_batch', ['batch_id'], unique=False)
        batch_op.create_index(
            'ux_rotation_batch_item_open',
            ['item_id'],
            unique=True,
            sqlite_where=sa.text('active'),
            postgresql_where=sa.text('active'),
        )


def downgrade():
    with op.batch_alter_table('rotation_batch_item', schema=None) as batch_op:
        batch_op.drop_index(
            'ux_rotation_batch_item_open',
            sqlite_where=sa.text('active'),
            postgresql_where=sa.text('active'),
        )
        batch_op.drop_index('ix_rotation_batch_item_batch')
    op.drop_table('rotation_batch_item')
    with op.batch_alter_table('rotation_batch', schema=None) as batch_op:
        batch_op.drop_index('ix_rotation_batch_point_state')
        batch_op.drop_index('ix_rotation_batch_library_state')
    op.drop_table('rotation_batch')
    with op.batch_alter_table('library', schema=None) as batch_op:
        batch_op.drop_column('population_served')
        batch_op.drop_column('contact_name')
