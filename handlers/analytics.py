"""The analytics dashboard of the console (/officer/analytics), for supervisors, analysts and
admins: the key figures and four charts (funnel, photo rejections, officers' response times,
satisfaction over time), each with its table, drawn from the same summary as
`GET /api/v1/metrics` (services/analytics/metrics.py). A date-range form; no script."""

from __future__ import annotations

from aiohttp import web

from core.hub import RUNTIME
from handlers import charts
from handlers.analytics_text import TEXTS, duration, figures, percent
from handlers.officer_render import forbidden, render
from handlers.officer_session import csrf, require
from services.analytics.metrics import ANALYTICS_ROLES, summary
from services.analytics.period import BadPeriod, period

routes = web.RouteTableDef()


def setup(app: web.Application) -> None:
    app.add_routes(routes)


@routes.get("/officer/analytics")
async def dashboard(request: web.Request) -> web.Response:
    who = await require(request)
    if who.role not in ANALYTICS_ROLES:
        raise forbidden("forbidden_role")
    rt = request.app[RUNTIME]
    bad = False
    try:
        span = period(request.query.get("since"), request.query.get("until"), rt.settings.timezone)
    except BadPeriod:
        span, bad = period(None, None, rt.settings.timezone), True
    data = await summary(rt, span)
    overall = data["overall"]
    stages = [
        (
            TEXTS(f"stages.{s['stage']}"),
            s["count"],
            str(s["count"]),
            percent(s["drop_off"]),
            str(s["refused"]) if s["refused"] else "",
            str(s["waiting"]) if s["waiting"] else "",
        )
        for s in overall["funnel"]
    ]
    problems = [
        (TEXTS.get("problems").get(code, code), n, str(n))
        for code, n in sorted(overall["photos"]["by_problem"].items(), key=lambda kv: -kv[1])
    ]
    catalog = rt.engine.catalog
    times = [
        (
            catalog[key].short_name if key in catalog else key,
            block["officer_first_response_s"],
            block["resolution_s"],
        )
        for key, block in data["by_procedure"].items()
        if block["officer_first_response_s"] is not None or block["resolution_s"] is not None
    ]
    time_bars = [(f"{name}", first or 0, duration(first)) for name, first, _r in times]
    days = [(d["day"][5:], d["share"], percent(d["share"])) for d in data["csat_by_day"]]
    return render(
        "analytics.html",
        tz=rt.settings.timezone,
        who=who,
        csrf=csrf(request, who),
        t=TEXTS,
        span=span,
        bad=bad,
        figures=figures(overall),
        stages=stages,
        funnel=charts.hbars([(label, n, text) for label, n, text, _d, _r, _w in stages]),
        problems=problems,
        rejections=charts.hbars(problems),
        times=[(name, duration(first), duration(res)) for name, first, res in times],
        time_chart=charts.hbars(time_bars),
        days=data["csat_by_day"],
        csat=charts.columns(days, target=overall["csat"]["target"]),
        percent=percent,
        top=overall["fallback"]["top_unanswered"],
    )
