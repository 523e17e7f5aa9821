"""dossier assignment (officer console: who handles a dossier; supervisors reassign)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 16:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dossier_assignment",
        sa.Column("dossier_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("officer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("assigned_by", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossier.id"], name=op.f("fk_dossier_assignment_dossier_id_dossier")
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["officer.id"], name=op.f("fk_dossier_assignment_officer_id_officer")
        ),
        sa.ForeignKeyConstraint(
            ["assigned_by"], ["officer.id"], name=op.f("fk_dossier_assignment_assigned_by_officer")
        ),
        sa.PrimaryKeyConstraint("dossier_id", name=op.f("pk_dossier_assignment")),
    )
    with op.batch_alter_table("dossier_assignment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dossier_assignment_officer_id"), ["officer_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dossier_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_assignment_officer_id"))
    op.drop_table("dossier_assignment")
