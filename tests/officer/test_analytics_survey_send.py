"""The satisfaction survey sent from the officer side: by hand (API and console button), by
itself on "result ready" only once per dossier, and never on a channel where a deployment turned
it off (SURVEY_OFF_CHANNELS). Both backend pairs."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer
from officer_kit import api_token, bearer, console_login, csrf_of, make_officers, seed_dossier
from sqlalchemy import func, select
from support import wait_for

from bot.app import create_app
from core.db import AuditEvent, MessageLog
from core.hub import RUNTIME

ASKED = "Anh/chị hài lòng thế nào"


async def _sent(rt) -> list[bool]:
    async with rt.db.session() as s:
        rows = (await s.execute(select(AuditEvent.data).where(AuditEvent.action == "survey_sent"))).scalars()
        return [d["by_hand"] for d in rows]


async def _asked(rt) -> int:
    async with rt.db.session() as s:
        return (
            await s.scalar(
                select(func.count()).select_from(MessageLog).where(MessageLog.text.contains(ASKED))
            )
        ) or 0


async def test_by_hand_once_by_itself_and_off_per_channel(backend_settings):
    await make_officers(backend_settings)
    async with TestClient(TestServer(create_app(backend_settings, role="all"))) as client:
        rt = client.server.app[RUNTIME]
        h = bearer(await api_token(client, "lan"))
        code = await seed_dossier(rt, status="accepted")
        # before the result, refused: the survey opens by saying the dossier has its result
        r = await client.post(f"/api/v1/dossiers/{code}/survey", headers=h)
        assert r.status == 409 and (await r.json())["error"] == "survey_not_ready"
        assert await _sent(rt) == [] and await _asked(rt) == 0
        # "result ready": sent by itself, once; by hand after that, again
        assert (await client.post(f"/api/v1/dossiers/{code}/result-ready", headers=h, json={})).status == 200
        assert await _sent(rt) == [False] and await _asked(rt) == 1
        r = await client.post(f"/api/v1/dossiers/{code}/survey", headers=h)
        assert r.status == 200, await r.text()
        assert await _sent(rt) == [False, True] and await _asked(rt) == 2
        # another dossier: by itself on result ready, once; "complete" while it is pending asks
        # its question again after the completion notice (sent no second time)
        other = await seed_dossier(rt, status="accepted")
        await client.post(f"/api/v1/dossiers/{other}/result-ready", headers=h, json={})
        await client.post(f"/api/v1/dossiers/{other}/complete", headers=h, json={})
        assert await _sent(rt) == [False, True, False] and await _asked(rt) == 4
        # the console's button, once the result is ready (the survey opens by saying so)
        csrf = await console_login(client, "lan")
        early = await seed_dossier(rt, status="accepted")
        assert "/survey" not in await (await client.get(f"/officer/dossiers/{early}")).text()
        page = await (await client.get(f"/officer/dossiers/{code}")).text()
        assert f'action="/officer/dossiers/{code}/survey"' in page
        r = await client.post(
            f"/officer/dossiers/{code}/survey", data={"csrf": csrf_of(page)}, allow_redirects=False
        )
        assert r.status == 303 and "ok=survey" in r.headers["Location"], r.headers.get("Location")
        await wait_for(lambda: _count_is(rt, 4))
        # analysts may not
        analyst = bearer(await api_token(client, "minh"))
        assert (await client.post(f"/api/v1/dossiers/{code}/survey", headers=analyst)).status == 403
        del csrf

    off = backend_settings.with_overrides(survey_off_channels="zalo, web")
    async with TestClient(TestServer(create_app(off, role="all"))) as client:
        rt = client.server.app[RUNTIME]
        h = bearer(await api_token(client, "lan"))
        code = await seed_dossier(rt, status="accepted")
        assert (await client.post(f"/api/v1/dossiers/{code}/result-ready", headers=h, json={})).status == 200
        r = await client.post(f"/api/v1/dossiers/{code}/survey", headers=h)
        assert r.status == 422 and (await r.json())["error"] == "survey_off"
        assert len(await _sent(rt)) == 4  # none more


async def _count_is(rt, n: int) -> bool:
    return len(await _sent(rt)) == n
