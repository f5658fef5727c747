"""stats: plans (number, issuer, date, years, title) and their targets per year and indicator

A target is for a library, a level of library or (neither) the whole network, as a value
or a range (min..max).

Revision ID: b5e2c7d9a1f4
Revises: a40a1defcd8e
Create Date: 2026-12-05 13:00:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b5e2c7d9a1f4'
down_revision = 'a40a1defcd8e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'stat_plan',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=60), nullable=True),
        sa.Column('issuer', sa.String(length=300), nullable=False),
        sa.Column('issued_on', sa.Date(), nullable=True),
        sa.Column('first_year', sa.Integer(), nullable=False),
        sa.Column('last_year', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=500), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stat_plan')),
    )
    op.create_table(
        'stat_plan_target',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('library_id', sa.Integer(), nullable=True),
        sa.Column('level', sa.String(length=20), nullable=True),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('indicator', sa.String(length=40), nullable=False),
        sa.Column('value_min', sa.Float(), nullable=True),
        sa.Column('value_max', sa.Float(), nullable=True),
        sa.CheckConstraint('library_id IS NULL OR level IS NULL', name=op.f('ck_stat_plan_target_one_scope')),
        sa.CheckConstraint('value_min IS NOT NULL OR value_max IS NOT NULL', name=op.f('ck_stat_plan_target_value')),
        sa.ForeignKeyConstraint(['library_id'], ['library.id'], name=op.f('fk_stat_plan_target_library_id_library')),
        sa.ForeignKeyConstraint(['plan_id'], ['stat_plan.id'], name=op.f('fk_stat_plan_target_plan_id_stat_plan')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_stat_plan_target')),
    )
    with op.batch_alter_table('stat_plan_target', schema=None) as batch_op:
        batch_op.create_index('ix_stat_plan_target_indicator_year', ['indicator', 'year'], unique=False)
        batch_op.create_index(batch_op.f('ix_stat_plan_target_plan_id'), ['plan_id'], unique=False)


def downgrade():
    with op.batch_alter_table('stat_plan_target', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stat_plan_target_plan_id'))
        batch_op.drop_index('ix_stat_plan_target_indicator_year')
    op.drop_table('stat_plan_target')
    op.drop_table('stat_plan')
