"""officer inbox: read markers per officer and conversation, conversation assignment, internal
notes on dossiers, an index of a conversation's dossiers

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 17:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("dossier", schema=None) as batch_op:  # a thread's dossiers (inbox, search)
        batch_op.create_index(batch_op.f("ix_dossier_conversation_id"), ["conversation_id"], unique=False)
    op.create_table(
        "conversation_read",
        sa.Column("conversation_id", BIG, nullable=False),
        sa.Column("officer_id", BIG, nullable=False),
        sa.Column("last_read_id", sa.BigInteger(), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_conversation_read_conversation_id_conversation"),
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["officer.id"], name=op.f("fk_conversation_read_officer_id_officer")
        ),
        sa.PrimaryKeyConstraint("conversation_id", "officer_id", name=op.f("pk_conversation_read")),
    )
    op.create_table(
        "conversation_assignment",
        sa.Column("conversation_id", BIG, nullable=False),
        sa.Column("officer_id", BIG, nullable=False),
        sa.Column("assigned_by", BIG, nullable=True),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversation.id"],
            name=op.f("fk_conversation_assignment_conversation_id_conversation"),
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["officer.id"], name=op.f("fk_conversation_assignment_officer_id_officer")
        ),
        sa.ForeignKeyConstraint(
            ["assigned_by"], ["officer.id"], name=op.f("fk_conversation_assignment_assigned_by_officer")
        ),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_conversation_assignment")),
    )
    with op.batch_alter_table("conversation_assignment", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_conversation_assignment_officer_id"), ["officer_id"], unique=False
        )
    op.create_table(
        "dossier_note",
        sa.Column("id", BIG, nullable=False),
        sa.Column("dossier_id", BIG, nullable=False),
        sa.Column("officer_id", BIG, nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossier.id"], name=op.f("fk_dossier_note_dossier_id_dossier")
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["officer.id"], name=op.f("fk_dossier_note_officer_id_officer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_note")),
    )
    with op.batch_alter_table("dossier_note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_dossier_note_dossier_id"), ["dossier_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("dossier_note", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_note_dossier_id"))
    op.drop_table("dossier_note")
    with op.batch_alter_table("conversation_assignment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_conversation_assignment_officer_id"))
    op.drop_table("conversation_assignment")
    op.drop_table("conversation_read")
    with op.batch_alter_table("dossier", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_dossier_conversation_id"))
