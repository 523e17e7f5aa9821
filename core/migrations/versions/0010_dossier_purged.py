"""dossier.purged_at: when the retention job (or the citizen's request) deleted the dossier's
personal fields and media, keeping the dossier's code, procedure, dates and audit trail

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 18:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.drop_column("purged_at")
