"""Actions on a conversation from outside the citizen's turn (officers, operators): hand-over.

Each runs in one transaction under the conversation's lock, like a worker turn, and writes its
replies to the outbox. The dialogue's state changes only through the engine's methods."""

from __future__ import annotations

from sqlalchemy import select

from core import store
from core.db import Conversation
from core.events import Reply
from flows.engine import Engine


async def take_over(runtime, conversation_key: str, officer_id: int | None = None) -> None:
    """An officer takes the thread: the bot stays quiet until it is handed back."""
    async with runtime.queue.lock(conversation_key, runtime.settings.lock_ttl_s):
        async with runtime.db.session() as s, s.begin():
            conv = (
                await s.execute(select(Conversation).where(Conversation.key == conversation_key))
            ).scalar_one()
            before = conv.state
            if not Engine.is_taken_over(before):
                conv.state = runtime.engine.take_over(before)
                conv.step = Engine.step_of(conv.state)
            conv.handled_by = officer_id
            store.audit(
                s,
                f"officer:{officer_id}" if officer_id else "system",
                "take_over",
                {"conversation": conversation_key},
                (before or {}).get("dossier_id"),
            )


async def hand_back(runtime, conversation_key: str, officer_id: int | None = None) -> list[Reply]:
    """The officer hands the thread back: the bot says so and asks again what it was waiting for."""
    async with runtime.queue.lock(conversation_key, runtime.settings.lock_ttl_s):
        async with runtime.db.session() as s, s.begin():
            conv = (
                await s.execute(select(Conversation).where(Conversation.key == conversation_key))
            ).scalar_one()
            if not Engine.is_taken_over(conv.state):
                return []
            state, replies = runtime.engine.hand_back(conv.state)
            conv.state = state
            conv.step = Engine.step_of(state)
            conv.handled_by = None
            recipient = conversation_key.split(":", 1)[1]
            for reply in replies:
                store.add_outbound(s, conv, recipient, reply, step=conv.step)
            store.audit(
                s,
                f"officer:{officer_id}" if officer_id else "system",
                "hand_back",
                {"conversation": conversation_key},
                state.get("dossier_id"),
            )
    runtime.sender.nudge()
    return replies


def is_taken_over(state: dict | None) -> bool:
    """Whether an officer holds the thread (the bot stays quiet)."""
    return Engine.is_taken_over(state)


def reset_to_menu(conv: Conversation) -> None:
    """Forget the dialogue's progress: the citizen's next message starts at the menu."""
    conv.state = Engine.reset()
    conv.step = Engine.step_of(conv.state)
