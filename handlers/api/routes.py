"""The API's routes: thin adapters that read the request (bearer token, query, body model), call
the dossier service and answer JSON. The service's typed errors become JSON errors in
handlers/api/errors.py's middleware."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web
from pydantic import BaseModel

from core.hub import RUNTIME
from handlers import auth, password_checks
from handlers.api.bodies import (
    AssignIn,
    Credentials,
    LateIn,
    MessageIn,
    NoteIn,
    RejectIn,
    SupplementRequest,
    flag,
    integer,
    read_json,
    validate,
)
from handlers.api.errors import TEXTS, ApiError
from handlers.api.security import bearer
from services import actions, dossier_views
from services.assignments import assign
from services.dossiers import MAX_PAGE, VISIBLE, local_today, need_personal, need_supervisor, visible

routes = web.RouteTableDef()

# path under /api/v1/dossiers/{code}/: (service action, body model or None, success status)
ACTION_ROUTES: dict[str, tuple[str, type[BaseModel] | None, int]] = {
    "supplement-request": ("supplement", SupplementRequest, 201),
    "messages": ("message", MessageIn, 201),
    "accept": ("accept", None, 200),
    "reject": ("reject", RejectIn, 200),
    "result-ready": ("result_ready", NoteIn, 200),
    "complete": ("complete", NoteIn, 200),
    "late-apology": ("late", LateIn, 200),
    "review": ("review", None, 200),
    "take-over": ("take_over", None, 200),
    "hand-back": ("hand_back", None, 200),
    "survey": ("survey", None, 200),
}


def _link(request: web.Request, who: auth.Principal) -> Callable[[str], str]:
    return auth.media_link(request.app[RUNTIME].settings.secret_key, who.id)


@routes.post("/api/v1/auth/token")
async def token(request: web.Request) -> web.Response:
    creds = validate(Credentials, await read_json(request))
    rt = request.app[RUNTIME]
    th = request.app[auth.THROTTLE]
    ip = auth.client_ip(request, rt.settings.trusted_proxies)
    try:
        with password_checks.slot():  # a full queue: 503 before the throttle counts anything
            wait = await th.acquire(creds.username, ip)  # counted before the password is checked
            if wait:
                raise ApiError(429, "too_many_attempts", headers={"Retry-After": str(wait)}, retry_after=wait)
            officer = await auth.authenticate(rt.db, creds.username, creds.password)
    except password_checks.Busy:
        raise ApiError(503, "login_busy", headers={"Retry-After": "5"}) from None
    if officer is None:  # the attempt stays counted
        raise ApiError(401, "bad_credentials")
    await th.succeeded(creds.username, ip)
    return web.json_response(
        {
            "access_token": auth.new_api_token(rt.settings.secret_key, officer),
            "token_type": "Bearer",
            "expires_in": auth.API_TOKEN_TTL_S,
            "officer": {"username": officer.username, "agency": officer.agency, "role": officer.role},
        }
    )


@routes.get("/api/v1/me")
async def me(request: web.Request) -> web.Response:
    who = await bearer(request)
    return web.json_response(
        {"username": who.username, "agency": who.agency, "role": who.role, "can_act": who.can_act}
    )


@routes.get("/api/v1/dossiers")
async def dossiers(request: web.Request) -> web.Response:
    who = await bearer(request)
    status = request.query.get("status") or None
    if status is not None and status not in VISIBLE:
        raise ApiError(400, "bad_query", TEXTS("query.one_of", name="status", values=", ".join(VISIBLE)))
    procedure = request.query.get("procedure") or None
    if procedure is not None and len(procedure) > 40:
        raise ApiError(400, "bad_query", TEXTS("query.too_long", name="procedure"))
    result = await dossier_views.list_dossiers(
        request.app[RUNTIME],
        who,
        status=status,
        procedure=procedure,
        overdue=flag(request, "overdue"),
        due_soon=flag(request, "due_soon"),
        mine=flag(request, "mine"),
        limit=integer(request, "limit", 100, 1, MAX_PAGE),
        offset=integer(request, "offset", 0, 0, 10_000_000),
    )
    return web.json_response(result)


@routes.get("/api/v1/dossiers/{code}")
async def dossier(request: web.Request) -> web.Response:
    who = await bearer(request)
    d = await visible(request.app[RUNTIME], who, request.match_info["code"])
    need_personal(who)
    return web.json_response(await dossier_views.dossier_detail(request.app[RUNTIME], d, _link(request, who)))


@routes.get("/api/v1/dossiers/{code}/messages")
async def messages(request: web.Request) -> web.Response:
    who = await bearer(request)
    d = await visible(request.app[RUNTIME], who, request.match_info["code"])
    need_personal(who)
    after = integer(request, "after", 0, 0, 2**62)
    return web.json_response(
        {
            "messages": await dossier_views.thread(
                request.app[RUNTIME], d.conversation_id, _link(request, who), after
            )
        }
    )


def _action_route(path: str, name: str, model: type[BaseModel] | None, status: int) -> None:
    async def handler(request: web.Request) -> web.Response:
        who = await bearer(request)
        body = await read_json(request)
        rt, code = request.app[RUNTIME], request.match_info["code"]
        await actions.actionable(rt, who, code)  # 404, then 403, before the body is judged
        args: dict[str, Any] = validate(model, body).model_dump() if model else {}
        result = await actions.perform(rt, who, code, name, **args)
        return web.json_response(result, status=status)

    handler.__name__ = f"action_{name}"
    routes.post(f"/api/v1/dossiers/{{code}}/{path}")(handler)


for _path, (_name, _model, _status) in ACTION_ROUTES.items():
    _action_route(_path, _name, _model, _status)


@routes.get("/api/v1/reports/overdue")
async def overdue_report(request: web.Request) -> web.Response:
    who = await bearer(request)
    need_supervisor(who, "report")
    rt = request.app[RUNTIME]
    result = await dossier_views.list_dossiers(rt, who, overdue=True, limit=MAX_PAGE)
    return web.json_response(
        {"as_of": local_today(rt.settings).isoformat(), "items": result["items"], "total": result["total"]}
    )


@routes.post("/api/v1/dossiers/{code}/assign")
async def reassign(request: web.Request) -> web.Response:
    who = await bearer(request)
    d = await visible(request.app[RUNTIME], who, request.match_info["code"])
    need_supervisor(who, "assign")
    body = validate(AssignIn, await read_json(request))
    assignee = await assign(request.app[RUNTIME], who, d, body.officer.strip())
    return web.json_response({"code": d.code, "assignee": assignee})
