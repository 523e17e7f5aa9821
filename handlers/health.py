"""Operator routes: liveness, readiness (database and Redis) and Prometheus metrics."""

from __future__ import annotations

import asyncio

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from core.hub import RUNTIME

routes = web.RouteTableDef()


@routes.get("/healthz")
async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


@routes.get("/readyz")
async def readyz(request: web.Request) -> web.Response:
    rt = request.app[RUNTIME]
    checks: dict[str, str] = {}
    for name, probe in (("database", rt.db.ping), ("queue", rt.queue.ping)):
        try:
            await asyncio.wait_for(probe(), timeout=2)
            checks[name] = "ok"
        except Exception as exc:  # report, never crash
            checks[name] = f"error: {type(exc).__name__}"
    checks["queue_backend"] = "redis" if rt.settings.redis_url else "in-process"
    ready = all(v == "ok" for k, v in checks.items() if k != "queue_backend")
    return web.json_response({"ready": ready, "checks": checks}, status=200 if ready else 503)


@routes.get("/metrics")
async def metrics(request: web.Request) -> web.Response:
    body = generate_latest()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
