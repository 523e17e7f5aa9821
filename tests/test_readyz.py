"""/readyz answers JSON naming each dependency (database, queue, the Zalo token's state); with
Redis gone it is 503 and the Zalo webhook answers 503 (Zalo sends again), never 200. /metrics
carries the queue's depth and lag and the outbox rows by status."""

from __future__ import annotations

import datetime as dt

from aiohttp.test_utils import TestClient, TestServer
from fleet import ZALO_APP_ID, ZALO_OA_SECRET, signed, zalo_text
from redis_servers import free_port

from bot.app import create_app
from core.db import Database
from core.db.models import PlatformToken, utcnow

ZALO = dict(zalo_app_id=ZALO_APP_ID, zalo_oa_secret_key=ZALO_OA_SECRET, zalo_access_token="at-0")


async def _token_expires(settings, at: dt.datetime) -> None:
    db = Database(settings.resolved_database_url)
    try:
        async with db.session() as s, s.begin():
            row = await s.get(PlatformToken, f"zalo:{ZALO_APP_ID}")
            if row is None:
                s.add(
                    PlatformToken(key=f"zalo:{ZALO_APP_ID}", access_token="", refresh_token="", expires_at=at)
                )
            else:
                row.expires_at = at
    finally:
        await db.close()


async def test_readiness_names_each_dependency_and_the_token_state(production_settings):
    s = production_settings.with_overrides(**ZALO)
    async with TestClient(TestServer(create_app(s, role="web"))) as c:
        r = await c.get("/readyz")
        body = await r.json()
        assert r.status == 200 and body["ready"] is True
        assert body["checks"] == {
            "database": "ok",
            "queue": "ok",
            "queue_backend": "redis",
            "zalo_token": "configured, not yet used",
        }
        for expires_in, state in ((7200, "valid"), (600, "expiring"), (-60, "expired")):
            await _token_expires(s, utcnow() + dt.timedelta(seconds=expires_in))
            body = await (await c.get("/readyz")).json()
            assert body["zalo_token"]["state"] == state and body["checks"]["zalo_token"] == state
            assert abs(body["zalo_token"]["expires_in_s"] - expires_in) < 30
        raw, headers = signed(zalo_text("84000000001", "Xin chào"))
        assert (await c.post("/webhooks/zalo", data=raw, headers=headers)).status == 200
        text = await (await c.get("/metrics")).text()
        assert "motcua_queue_jobs 1.0" in text  # accepted, no worker in this role
        assert "motcua_queue_lag_seconds" in text and 'motcua_outbox_rows{status="held"}' in text


async def test_without_redis_not_ready_and_the_webhook_answers_503(production_settings):
    s = production_settings.with_overrides(redis_url=f"redis://127.0.0.1:{free_port()}/0", **ZALO)
    async with TestClient(TestServer(create_app(s, role="web"))) as c:
        r = await c.get("/readyz")
        body = await r.json()
        assert r.status == 503 and body["ready"] is False
        assert body["checks"]["database"] == "ok" and body["checks"]["queue"].startswith("error")
        raw, headers = signed(zalo_text("84000000002", "Xin chào"))
        r = await c.post("/webhooks/zalo", data=raw, headers=headers)
        assert r.status == 503  # not accepted: Zalo sends it again
