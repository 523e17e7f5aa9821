"""Storage: SQLAlchemy 2 (async) models, engine and migrations."""

from .engine import Database
from .models import (
    AuditEvent,
    Base,
    Citizen,
    Conversation,
    DailyCounter,
    Dossier,
    DossierDocument,
    MessageLog,
    Officer,
    Outbox,
    SurveyAnswer,
)

__all__ = [
    "AuditEvent",
    "Base",
    "Citizen",
    "Conversation",
    "DailyCounter",
    "Database",
    "Dossier",
    "DossierDocument",
    "MessageLog",
    "Officer",
    "Outbox",
    "SurveyAnswer",
]
