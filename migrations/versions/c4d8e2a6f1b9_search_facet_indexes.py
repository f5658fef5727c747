"""search: indexes on the facet columns of search_document, so a facet filter reads only
its records (with the words' GIN bitmap, or alone for the empty query)

Revision ID: c4d8e2a6f1b9
Revises: a9c4e2f7b5d1
Create Date: 2026-12-06 00:30:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "c4d8e2a6f1b9"
down_revision = "a9c4e2f7b5d1"
branch_labels = None
depends_on = None

COLUMNS = ("material_type", "language", "year_range", "audience", "available")


def upgrade():
    with op.batch_alter_table("search_document", schema=None) as batch_op:
        batch_op.create_index(
            "ix_search_document_subjects", ["subjects"], unique=False, postgresql_using="gin"
        )
        for column in COLUMNS:
            batch_op.create_index(f"ix_search_document_{column}", [column], unique=False)


def downgrade():
    with op.batch_alter_table("search_document", schema=None) as batch_op:
        for column in reversed(COLUMNS):
            batch_op.drop_index(f"ix_search_document_{column}")
        batch_op.drop_index("ix_search_document_subjects", postgresql_using="gin")
