"""outbox.parts_sent: how many parts of a split reply the platform has already accepted, so a
retry after a crash or an error resumes after them instead of repeating them

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 18:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parts_sent", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("parts_sent")
