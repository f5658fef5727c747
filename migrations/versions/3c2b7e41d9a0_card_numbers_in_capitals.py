"""card numbers in capitals

Card numbers are kept as printed and scanned, in capitals, so a card is found with one
index lookup whatever case is typed. A card whose capitalised number another card already
has is left as it is (it is still found as typed).

Revision ID: 3c2b7e41d9a0
Revises: 760dd30efa56
Create Date: 2026-12-02 20:30:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3c2b7e41d9a0'
down_revision = '760dd30efa56'
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        "UPDATE reader SET card_number = upper(card_number) "
        "WHERE card_number <> upper(card_number) "
        "AND (SELECT count(*) FROM reader AS other "
        "     WHERE upper(other.card_number) = upper(reader.card_number)) = 1"
    )


def downgrade():
    pass  # the numbers' former case is not kept; capitals find the same readers
