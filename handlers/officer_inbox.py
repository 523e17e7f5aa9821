"""The console's conversation inbox (beside the dossier queue) and search: thin adapters over
services/inbox.py, services/threads.py and services/search.py. A thread page is the same thread
view as the dossier page, with the platform's reply window and what happens outside it."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from core.hub import RUNTIME
from handlers import auth, canned, officer_session
from handlers.officer_render import (
    AUTHOR_LABELS,
    DELIVERY_LABELS,
    ERRORS,
    FLASH,
    forbidden,
    local_time,
    not_found,
    render,
)
from handlers.officer_session import csrf, current, require
from services import dossier_views, inbox, search, threads
from services.assignments import agency_officers
from services.dossiers import DossierError, DossierNotFound, Forbidden

routes = web.RouteTableDef()
THREAD_ACTIONS = ("message", "take-over", "hand-back", "assign", "claim")


def _conv_id(request: web.Request) -> int:
    try:
        return int(request.match_info["conv"])
    except ValueError:
        raise not_found() from None


async def _thread_for(request: web.Request, who: auth.Principal):
    try:
        return await inbox.find_thread(request.app[RUNTIME], who, _conv_id(request))
    except DossierNotFound:
        raise not_found() from None
    except Forbidden:
        raise forbidden("forbidden_role") from None


@routes.get("/officer/inbox")
async def inbox_page(request: web.Request) -> web.Response:
    who = await require(request)
    if not who.can_read_personal:
        raise forbidden("forbidden_role")
    rt = request.app[RUNTIME]
    mine = request.query.get("mine") == "1"
    result = await inbox.list_threads(rt, who, mine=mine)
    return render(
        "inbox.html", tz=rt.settings.timezone, who=who, csrf=csrf(request, who), result=result, mine=mine
    )


@routes.get("/officer/inbox/summary")
async def inbox_summary(request: web.Request) -> web.Response:
    """What the console's navigation polls: how many threads wait for an officer, unread."""
    who = await current(request)
    if who is None:
        return web.json_response({"error": "unauthenticated"}, status=401)
    if not who.can_read_personal:
        return web.json_response({"error": "forbidden_role"}, status=403)
    result = await inbox.list_threads(request.app[RUNTIME], who)
    return web.json_response(
        {"total": result["total"], "waiting": result["waiting"], "unread": result["unread"]},
        headers={"Cache-Control": "no-store"},
    )


@routes.get("/officer/inbox/{conv}")
async def thread_page(request: web.Request) -> web.Response:
    who = await require(request)
    rt = request.app[RUNTIME]
    conv = await _thread_for(request, who)
    link = auth.media_link(rt.settings.secret_key, who.id)
    messages = await dossier_views.thread(rt, conv.id, link)
    summary = await inbox.thread_summary(rt, who, conv)
    await threads.mark_read(rt, who, conv.id)
    return render(
        "thread.html",
        tz=rt.settings.timezone,
        who=who,
        csrf=csrf(request, who),
        t=summary,
        messages=messages,
        last_id=messages[-1]["id"] if messages else 0,
        flash=FLASH.get(request.query.get("ok") or ""),
        error=ERRORS.get(request.query.get("err") or ""),
        colleagues=await agency_officers(rt, who) if who.supervises else [],
        canned=canned.replies(
            who.agency,
            name=summary["citizen_name"],
            code=summary["dossier_code"],
            officer=who.username,
            agency=rt.settings.agency_name,
        ),
    )


@routes.get("/officer/inbox/{conv}/thread")
async def thread_json(request: web.Request) -> web.Response:
    """What the open thread page polls (the same shape as the dossier page's)."""
    who = await current(request)
    if who is None:
        return web.json_response({"error": "unauthenticated"}, status=401)
    rt = request.app[RUNTIME]
    try:
        conv = await inbox.find_thread(rt, who, _conv_id(request))
        after = max(0, int(request.query.get("after", "0")))
    except (DossierError, web.HTTPNotFound):
        return web.json_response({"error": "not_found"}, status=404)
    except ValueError:
        return web.json_response({"error": "bad_query"}, status=400)
    link = auth.media_link(rt.settings.secret_key, who.id)
    messages = await dossier_views.thread(rt, conv.id, link, after)
    recent = await dossier_views.thread(rt, conv.id, link, 0) if after else messages
    for m in messages:
        m["at_local"] = local_time(m["at"], rt.settings.timezone)
        m["author_label"] = AUTHOR_LABELS.get(m["author"], m["author"])
        m["delivery_label"] = DELIVERY_LABELS.get(m["delivery"] or "", "")
    if messages:
        await threads.mark_read(rt, who, conv.id, messages[-1]["id"])
    return web.json_response(
        {
            "messages": messages,
            "delivery": {str(m["id"]): m["delivery"] for m in recent[-200:] if m["delivery"]},
            "delivery_labels": DELIVERY_LABELS,
        },
        headers={"Cache-Control": "no-store"},
    )


@routes.post("/officer/inbox/{conv}/{action}")
async def thread_act(request: web.Request) -> web.Response:
    who = await require(request)
    action = request.match_info["action"]
    if action not in THREAD_ACTIONS:
        raise not_found()
    posted = await officer_session.form(request, who)
    rt = request.app[RUNTIME]
    conv = await _thread_for(request, who)
    if not who.can_act or (action == "assign" and not who.supervises):
        raise forbidden("forbidden_role")
    page = f"/officer/inbox/{conv.id}"
    try:
        if action == "message":
            await threads.send_message(rt, who, conv.id, str(posted.get("text", "")))
        elif action == "take-over":
            await threads.take_over(rt, who, conv.id)
        elif action == "hand-back":
            await threads.hand_back(rt, who, conv.id)
        elif action == "assign":
            await threads.assign_thread(rt, who, conv.id, str(posted.get("officer", "")).strip())
        else:
            await threads.assign_thread(rt, who, conv.id)
    except DossierError as exc:
        raise web.HTTPSeeOther(f"{page}?{urlencode({'err': exc.code})}") from None
    flash = {"take-over": "take_over", "hand-back": "hand_back", "claim": "assign"}.get(action, action)
    raise web.HTTPSeeOther(f"{page}?ok={flash}#thread")


@routes.get("/officer/search")
async def search_page(request: web.Request) -> web.Response:
    who = await require(request)
    if not who.can_read_personal:
        raise forbidden("forbidden_role")
    rt = request.app[RUNTIME]
    q = request.query.get("q", "")[:100]
    result = await search.search(rt, who, q)
    return render(
        "search.html", tz=rt.settings.timezone, who=who, csrf=csrf(request, who), result=result, q=q
    )
