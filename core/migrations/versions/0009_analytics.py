"""Analytics: the turn log carries what a turn was about (procedure, dossier, NLU confidence,
fallback, bot latency, and details: entities, photo verdicts, the step after); satisfaction
answers in a table of their own; indexes for reading the log by time

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-06 17:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("message_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("procedure", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("dossier_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("confidence", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("fallback", sa.Boolean(), nullable=True))
        batch_op.add_column(sa.Column("latency_ms", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("details", sa.JSON(), nullable=True))
        batch_op.create_index("ix_message_log_created_at", ["created_at"], unique=False)
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_created_at", ["created_at"], unique=False)
    op.create_table(
        "survey_answer",
        sa.Column("id", BigId, nullable=False),
        sa.Column("dossier_id", BigId, nullable=True),
        sa.Column("conversation_id", BigId, nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("survey", sa.String(length=32), nullable=False),
        sa.Column("question", sa.String(length=32), nullable=False),
        sa.Column("answer", sa.String(length=64), nullable=True),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"], ["conversation.id"], name="fk_survey_answer_conversation_id_conversation"
        ),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossier.id"], name="fk_survey_answer_dossier_id_dossier"),
        sa.PrimaryKeyConstraint("id", name="pk_survey_answer"),
    )
    op.create_index("ix_survey_answer_created_at", "survey_answer", ["created_at"], unique=False)
    op.create_index("ix_survey_answer_dossier_id", "survey_answer", ["dossier_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_survey_answer_dossier_id", table_name="survey_answer")
    op.drop_index("ix_survey_answer_created_at", table_name="survey_answer")
    op.drop_table("survey_answer")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_event_created_at")
    with op.batch_alter_table("message_log", schema=None) as batch_op:
        batch_op.drop_index("ix_message_log_created_at")
        for column in ("details", "latency_ms", "fallback", "confidence", "dossier_id", "procedure"):
            batch_op.drop_column(column)
