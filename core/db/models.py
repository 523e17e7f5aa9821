"""The relational schema, the same on SQLite and PostgreSQL (migrations in bot/migrations)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

# Stable constraint names so migrations are the same on every dialect.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# BIGINT primary keys on PostgreSQL, INTEGER (rowid alias) on SQLite.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp that always comes back aware, in UTC. PostgreSQL keeps the zone; SQLite drops
    it and returns naive values, which are UTC because only aware UTC values are written."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Citizen(Base):
    """A person as one channel knows them (the same person on two channels is two rows)."""

    __tablename__ = "citizen"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_citizen_channel_external"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(128))
    display_name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Conversation(Base):
    """One citizen's thread on one channel, with the dialogue state and the inbound cursor."""

    __tablename__ = "conversation"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    key: Mapped[str] = mapped_column(String(160), unique=True)  # "{channel}:{external_id}"
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"))
    channel: Mapped[str] = mapped_column(String(16))
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    step: Mapped[str | None] = mapped_column(String(64))
    # Position of the last inbound event applied, in the queue's own order ("ms-seq").
    inbound_cursor: Mapped[str] = mapped_column(String(40), default="0-0")
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    last_inbound_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class MessageLog(Base):
    """Append-only log of every turn: citizen (in), bot and officer (out)."""

    __tablename__ = "message_log"
    __table_args__ = (
        UniqueConstraint("channel", "direction", "external_id", name="uq_message_log_external"),
        Index("ix_message_log_conversation_id_id", "conversation_id", "id"),
        Index("ix_message_log_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"))
    direction: Mapped[str] = mapped_column(String(3))  # "in" | "out"
    author: Mapped[str] = mapped_column(String(16))  # "citizen" | "bot" | "officer"
    officer_id: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str | None] = mapped_column(String(160))
    kind: Mapped[str] = mapped_column(String(16), default="text")
    text: Mapped[str | None] = mapped_column(Text)
    attachments: Mapped[list[Any]] = mapped_column(JSON, default=list)
    quick_replies: Mapped[list[Any]] = mapped_column(JSON, default=list)
    intent: Mapped[str | None] = mapped_column(String(40))
    step: Mapped[str | None] = mapped_column(String(64))
    received_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # the analytics of a citizen's turn (inbound rows; migration 0009): what it was about and how
    # the bot fared. details: {"entities": [...], "photos": [{document, verdict, problems, retake}],
    # "step_after": STEP}
    procedure: Mapped[str | None] = mapped_column(String(40))
    dossier_id: Mapped[int | None] = mapped_column(BigInteger)
    confidence: Mapped[float | None] = mapped_column(Float)
    fallback: Mapped[bool | None] = mapped_column(Boolean)
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    outbox: Mapped[Outbox | None] = relationship(back_populates="message", lazy="raise_on_sql")


_UNFINISHED = text("status IN ('pending', 'sending', 'held')")


class Outbox(Base):
    """Replies waiting to be delivered; written in the same transaction as the state change."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),
        # the unfinished rows (migration 0011): the sender's claim walks them in id order
        Index("ix_outbox_unfinished", "id", postgresql_where=_UNFINISHED, sqlite_where=_UNFINISHED),
        Index(
            "ix_outbox_unfinished_conversation",
            "conversation_id",
            "id",
            postgresql_where=_UNFINISHED,
            sqlite_where=_UNFINISHED,
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("message_log.id"), unique=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"))
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # pending -> sending -> sent | failed ; held (outside a reply window)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # parts of a split reply the platform has accepted: a retry resumes after them
    parts_sent: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())

    message: Mapped[MessageLog] = relationship(back_populates="outbox", lazy="raise_on_sql")


class Dossier(Base):
    __tablename__ = "dossier"
    __table_args__ = (Index("ix_dossier_agency_status", "agency", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    code: Mapped[str | None] = mapped_column(String(40), unique=True)  # set on submit
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"), index=True)
    citizen_id: Mapped[int] = mapped_column(ForeignKey("citizen.id"))
    agency: Mapped[str] = mapped_column(String(32))
    procedure: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), default="draft")
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    due_date: Mapped[dt.date | None] = mapped_column(Date)
    supplemented_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())  # "đã bổ sung"
    # personal fields and media deleted (retention or the citizen's request); code and dates kept
    purged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class DossierDocument(Base):
    __tablename__ = "dossier_document"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    doc_key: Mapped[str] = mapped_column(String(40))
    file_path: Mapped[str] = mapped_column(String(400))  # relative to MEDIA_DIR
    content_type: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    quality: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # the photo check's reading of an ID card: {"type", "fields", "sources", "confidence", "checks"}
    reading: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # the fields as the citizen confirmed or corrected them
    confirmed: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Officer(Base):
    __tablename__ = "officer"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    agency: Mapped[str] = mapped_column(String(32))
    role: Mapped[str] = mapped_column(String(16))  # officer | supervisor | analyst | admin
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    actor: Mapped[str] = mapped_column(String(80))  # "bot", "citizen:ID", "officer:ID", "system"
    action: Mapped[str] = mapped_column(String(40))
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class SurveyAnswer(Base):
    """One answer to one question of a satisfaction survey in the citizen's thread (flows/survey.yml)."""

    __tablename__ = "survey_answer"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    dossier_id: Mapped[int | None] = mapped_column(ForeignKey("dossier.id"), index=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"))
    channel: Mapped[str] = mapped_column(String(16))
    survey: Mapped[str] = mapped_column(String(32))  # "dossier" | "cancelled"
    question: Mapped[str] = mapped_column(String(32))
    answer: Mapped[str | None] = mapped_column(String(64))  # the option's key
    score: Mapped[int | None] = mapped_column(Integer)  # 1..5 for a scale question
    comment: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class DailyCounter(Base):
    """Per-day sequences (dossier codes): one row per (agency, day)."""

    __tablename__ = "daily_counter"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class PlatformToken(Base):
    """A platform's current OAuth pair (Zalo OA: the refresh token is single-use, so the newest
    pair must survive restarts and be shared by every process)."""

    __tablename__ = "platform_token"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)  # e.g. "zalo:{app_id}"
    access_token: Mapped[str] = mapped_column(Text)
    refresh_token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DossierAssignment(Base):
    """Which officer handles a dossier (officer console): set when an officer first opens
    it; a supervisor may reassign it to another officer of the same agency."""

    __tablename__ = "dossier_assignment"

    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id"), index=True)
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    assigned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ConversationRead(Base):
    """How far an officer has read a conversation (unread counts in the inbox and the queue)."""

    __tablename__ = "conversation_read"

    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"), primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id"), primary_key=True)
    last_read_id: Mapped[int] = mapped_column(BigInteger, default=0)
    read_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ConversationAssignment(Base):
    """Which officer answers a conversation in the inbox (a thread may have no dossier)."""

    __tablename__ = "conversation_assignment"

    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversation.id"), primary_key=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id"), index=True)
    assigned_by: Mapped[int | None] = mapped_column(ForeignKey("officer.id"))
    assigned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class DossierNote(Base):
    """An officer's internal note on a dossier: never sent, never in the citizen's thread."""

    __tablename__ = "dossier_note"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    dossier_id: Mapped[int] = mapped_column(ForeignKey("dossier.id"), index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("officer.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
