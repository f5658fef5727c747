"""rotation: routes of points, their stages, and the stops of a batch following one

A route is a library's ordered list of points, each stage with a number of days, cyclical
or not. A batch that follows a route records each point it visits as a stop (stage,
days as they were when it got there, arrival and departure).

Revision ID: d7a3e5b1f2c4
Revises: c4d81e2a9f53
Create Date: 2026-12-05 12:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd7a3e5b1f2c4'
down_revision = 'c4d81e2a9f53'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'rotation_route',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('library_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('cyclical', sa.Boolean(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['library_id'], ['library.id'], name=op.f('fk_rotation_route_library_id_library')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rotation_route')),
    )
    op.create_table(
        'rotation_route_stage',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('route_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('point_id', sa.Integer(), nullable=False),
        sa.Column('days', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['point_id'], ['library.id'], name=op.f('fk_rotation_route_stage_point_id_library')),
        sa.ForeignKeyConstraint(['route_id'], ['rotation_route.id'], name=op.f('fk_rotation_route_stage_route_id_rotation_route')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rotation_route_stage')),
        sa.UniqueConstraint('route_id', 'position', name=op.f('uq_rotation_route_stage_route_id')),
    )
    op.create_table(
        'rotation_batch_stop',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.Column('route_id', sa.Integer(), nullable=False),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('point_id', sa.Integer(), nullable=False),
        sa.Column('days', sa.Integer(), nullable=False),
        sa.Column('arrived_on', sa.Date(), nullable=True),
        sa.Column('left_on', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['batch_id'], ['rotation_batch.id'], name=op.f('fk_rotation_batch_stop_batch_id_rotation_batch')),
        sa.ForeignKeyConstraint(['point_id'], ['library.id'], name=op.f('fk_rotation_batch_stop_point_id_library')),
        sa.ForeignKeyConstraint(['route_id'], ['rotation_route.id'], name=op.f('fk_rotation_batch_stop_route_id_rotation_route')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_rotation_batch_stop')),
    )
    with op.batch_alter_table('rotation_batch_stop', schema=None) as batch_op:
        batch_op.create_index('ix_rotation_batch_stop_batch', ['batch_id'], unique=False)
        batch_op.create_index('ix_rotation_batch_stop_point', ['point_id'], unique=False)


def downgrade():
    with op.batch_alter_table('rotation_batch_stop', schema=None) as batch_op:
        batch_op.drop_index('ix_rotation_batch_stop_point')
        batch_op.drop_index('ix_rotation_batch_stop_batch')
    op.drop_table('rotation_batch_stop')
    op.drop_table('rotation_route_stage')
    op.drop_table('rotation_route')
