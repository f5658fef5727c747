"""import job: the worker running it and its last progress

The web import runs in a `libsys jobs worker` process instead of a thread of the web
worker. A job records which worker runs it ("host:pid") and when it last wrote progress,
so that a job left running by a worker that stopped is taken up again. The new state
"queued" needs no schema change (state is a plain string).

Revision ID: 9b4e2f7a1c30
Revises: 5a1f0c2d7e11
Create Date: 2026-12-05 09:30:00.000000

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '9b4e2f7a1c30'
down_revision = '5a1f0c2d7e11'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.add_column(sa.Column('worker', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('import_job', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('worker')
