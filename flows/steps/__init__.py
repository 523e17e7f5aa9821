"""The steps of the dialogue, one module each; importing this package registers them all."""

from . import (
    answers,
    cancel,
    consent,
    document,
    erase,
    field,
    human,
    id_card,
    menu,
    offer,
    question,
    route,
    status,
    summary,
    survey,
    withdraw,
)

__all__ = [
    "answers",
    "cancel",
    "consent",
    "document",
    "erase",
    "field",
    "human",
    "id_card",
    "menu",
    "offer",
    "question",
    "route",
    "status",
    "summary",
    "withdraw",
    "survey",
]
