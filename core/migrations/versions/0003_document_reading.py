"""what was read on a document photo (fields, sources, confidence, checks) and what the citizen confirmed

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 16:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossier_document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reading", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("confirmed", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dossier_document", schema=None) as batch_op:
        batch_op.drop_column("confirmed")
        batch_op.drop_column("reading")
