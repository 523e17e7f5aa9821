"""`GET /api/v1/metrics?since=&until=`: the analytics summary (services/analytics/metrics.py, the
same numbers as `python -m bot report` and the console's dashboard), for analysts, supervisors
and admins."""

from __future__ import annotations

from aiohttp import web

from core.hub import RUNTIME
from handlers.api.errors import ApiError
from handlers.api.security import bearer
from services.analytics.metrics import need_analytics, summary
from services.analytics.period import BadPeriod, period

routes = web.RouteTableDef()


@routes.get("/api/v1/metrics")
async def metrics(request: web.Request) -> web.Response:
    who = await bearer(request)
    need_analytics(who)
    rt = request.app[RUNTIME]
    try:
        span = period(request.query.get("since"), request.query.get("until"), rt.settings.timezone)
    except BadPeriod as exc:
        raise ApiError(400, "bad_query", str(exc)) from None
    return web.json_response(await summary(rt, span))
