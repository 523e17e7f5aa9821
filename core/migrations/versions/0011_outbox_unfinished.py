"""outbox: partial indexes on the unfinished rows (pending, sending, held), so that the sender's
claim walks them in id order and stops after a pass's rows, and checks "no earlier unfinished row
of the conversation" by index, instead of reading and sorting the whole backlog on every pass

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 00:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

UNFINISHED = sa.text("status IN ('pending', 'sending', 'held')")


def upgrade() -> None:
    for name, columns in (
        ("ix_outbox_unfinished", ["id"]),
        ("ix_outbox_unfinished_conversation", ["conversation_id", "id"]),
    ):
        op.create_index(name, "outbox", columns, postgresql_where=UNFINISHED, sqlite_where=UNFINISHED)


def downgrade() -> None:
    op.drop_index("ix_outbox_unfinished_conversation", table_name="outbox")
    op.drop_index("ix_outbox_unfinished", table_name="outbox")
