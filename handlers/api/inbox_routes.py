"""API v1 of the conversation inbox, search and internal notes (the console's /officer/inbox and /officer/search
as JSON): threads that want a human, one thread's messages, an answer into it, and search
across dossiers and conversations of the officer's agency. Analysts: 403."""

from __future__ import annotations

from aiohttp import web

from core.hub import RUNTIME
from handlers import auth
from handlers.api.bodies import MessageIn, flag, integer, read_json, validate
from handlers.api.errors import TEXTS, ApiError
from handlers.api.security import bearer
from services import dossier_views, inbox, notes, search, threads
from services.dossiers import need_act, visible

routes = web.RouteTableDef()


def _conv(request: web.Request) -> int:
    try:
        value = int(request.match_info["conversation"])
    except ValueError:
        raise ApiError(404, "not_found", TEXTS("errors.not_found")) from None
    if not 0 < value < 2**62:
        raise ApiError(404, "not_found", TEXTS("errors.not_found"))
    return value


@routes.get("/api/v1/inbox")
async def list_inbox(request: web.Request) -> web.Response:
    who = await bearer(request)
    return web.json_response(await inbox.list_threads(request.app[RUNTIME], who, mine=flag(request, "mine")))


@routes.get("/api/v1/inbox/{conversation}/messages")
async def inbox_messages(request: web.Request) -> web.Response:
    who = await bearer(request)
    rt = request.app[RUNTIME]
    conv = await inbox.find_thread(rt, who, _conv(request))
    after = integer(request, "after", 0, 0, 2**62)
    link = auth.media_link(rt.settings.secret_key, who.id)
    summary = await inbox.thread_summary(rt, who, conv)
    return web.json_response({**summary, "messages": await dossier_views.thread(rt, conv.id, link, after)})


@routes.post("/api/v1/inbox/{conversation}/messages")
async def inbox_reply(request: web.Request) -> web.Response:
    who = await bearer(request)
    rt = request.app[RUNTIME]
    conv = await inbox.find_thread(rt, who, _conv(request))
    body = validate(MessageIn, await read_json(request))
    mid = await threads.send_message(rt, who, conv.id, body.text)
    summary = await inbox.thread_summary(rt, who, conv)
    return web.json_response(
        {"id": conv.id, "message_id": mid, "reply_window": summary["reply_window"]}, status=201
    )


@routes.get("/api/v1/search")
async def search_route(request: web.Request) -> web.Response:
    who = await bearer(request)
    q = request.query.get("q", "")
    if len(q) > 100:
        raise ApiError(400, "bad_query", TEXTS("query.too_long", name="q"))
    return web.json_response(await search.search(request.app[RUNTIME], who, q))


@routes.get("/api/v1/dossiers/{code}/notes")
async def list_notes(request: web.Request) -> web.Response:
    who = await bearer(request)
    rt = request.app[RUNTIME]
    d = await visible(rt, who, request.match_info["code"])
    return web.json_response({"notes": await notes.list_notes(rt, who, d)})


@routes.post("/api/v1/dossiers/{code}/notes")
async def add_note(request: web.Request) -> web.Response:
    """An internal note: officers only, never sent to the citizen."""
    who = await bearer(request)
    rt = request.app[RUNTIME]
    d = await visible(rt, who, request.match_info["code"])
    need_act(who)
    body = validate(MessageIn, await read_json(request))
    return web.json_response(await notes.add_note(rt, who, d, body.text), status=201)
