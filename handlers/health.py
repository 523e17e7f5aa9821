"""Operator routes: liveness, readiness (each dependency: database, Redis, the Zalo token) and
Prometheus metrics (the queue's depth and lag and the held outbox rows read at each scrape)."""

from __future__ import annotations

import asyncio
import datetime as dt

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import func, select

from core import metrics as m
from core.db.models import Outbox, PlatformToken, utcnow
from core.hub import RUNTIME

routes = web.RouteTableDef()

PROBE_TIMEOUT_S = 2.0


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    """200 when this process can do its work (database and queue answer), 503 otherwise; the
    body names each dependency's state. The Zalo token is reported, not required: the sender
    retries and refreshes it, and inbound events are accepted meanwhile."""
    rt = request.app[RUNTIME]
    checks: dict[str, str] = {}
    for name, probe, timeout in (("database", rt.db.ping, None), ("queue", rt.queue.ping, PROBE_TIMEOUT_S)):
        try:  # the database's driver has its own connect timeout: a cancelled session could leak
            await asyncio.wait_for(probe(), timeout=timeout)
            checks[name] = "ok"
        except Exception as exc:  # report, never crash
            checks[name] = f"error: {type(exc).__name__}"
    checks["queue_backend"] = "redis" if rt.settings.redis_url else "in-process"
    ready = checks["database"] == "ok" and checks["queue"] == "ok"
    body: dict = {"ready": ready, "checks": checks}
    if rt.settings.zalo_app_id:
        token = await _zalo_token(rt)
        checks["zalo_token"] = token["state"]
        body["zalo_token"] = token
    return web.json_response(body, status=200 if ready else 503)


async def _zalo_token(rt) -> dict:
    """The shared Zalo token's state: valid, expiring (within the refresh margin), expired,
    missing (nothing stored and nothing configured), or unknown (the database did not answer)."""
    key = f"zalo:{rt.settings.zalo_app_id}"
    try:
        async with rt.db.session() as s:
            row = await s.get(PlatformToken, key)
    except Exception as exc:
        return {"state": "unknown", "error": type(exc).__name__}
    if row is None:
        configured = rt.settings.zalo_access_token or rt.settings.zalo_refresh_token
        return {"state": "configured, not yet used" if configured else "missing"}
    if row.expires_at is None:
        return {"state": "valid", "expires_at": None}
    left = (row.expires_at - utcnow()).total_seconds()
    margin = rt.settings.zalo_token_refresh_margin_s
    state = "expired" if left <= 0 else "expiring" if left <= margin else "valid"
    return {"state": state, "expires_at": row.expires_at.isoformat(), "expires_in_s": int(left)}


@routes.get("/metrics")
async def metrics(request: web.Request) -> web.Response:
    rt = request.app[RUNTIME]
    try:
        depth, lag = await asyncio.wait_for(rt.queue.depth(), timeout=PROBE_TIMEOUT_S)
        m.QUEUE_DEPTH.set(depth)
        m.QUEUE_LAG.set(lag)
    except Exception:
        pass  # the gauges keep their last value; readyz reports the queue's state
    try:
        async with rt.db.session() as s:
            rows = await s.execute(
                select(Outbox.status, func.count()).where(Outbox.status != "sent").group_by(Outbox.status)
            )
            counts = {status: n for status, n in rows.all()}
        for status in ("pending", "sending", "held", "failed"):
            m.OUTBOX_ROWS.labels(status).set(counts.get(status, 0))
    except Exception:
        pass
    m.SCRAPED_AT.set(dt.datetime.now(dt.UTC).timestamp())
    body = generate_latest()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
