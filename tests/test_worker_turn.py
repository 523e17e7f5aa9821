"""The worker's turn on both backends: a dialogue that raises leaves none of its rows (the
turn's transaction is dropped whole), the citizen gets the apology once, and the next message
goes on from where the dialogue was."""

from __future__ import annotations

from citizen import Citizen
from sqlalchemy import func, select

from bot.runtime import Runtime
from core.db import Dossier, MessageLog, Outbox
from handlers.webchat import WebChannel


async def _count(rt: Runtime, model, *where) -> int:
    async with rt.db.session() as s:
        return (await s.execute(select(func.count()).select_from(model).where(*where))).scalar()


async def test_a_failing_dialogue_leaves_no_rows_and_apologises(backend_settings):
    rt = Runtime(backend_settings)
    rt.add_channel(WebChannel())
    await rt.start(workers=1)
    try:
        citizen = Citizen(rt)
        assert "Có em bé" in await citizen.say("Xin chào")
        handle = rt.engine.handle

        async def breaks(ctx, state, event):
            await ctx.create_dossier("khai_sinh")  # a row the failure must take back
            raise RuntimeError("a bug in a step")

        rt.engine.handle = breaks
        apology = await citizen.say("1")
        assert apology == rt.engine.text("error")
        assert await _count(rt, Dossier) == 0
        assert await _count(rt, MessageLog, MessageLog.direction == "in") == 2  # logged once each
        assert await _count(rt, Outbox) == 2

        rt.engine.handle = handle
        assert "trọn gói" in await citizen.say("1")  # the dialogue goes on from where it was
    finally:
        await rt.stop()
