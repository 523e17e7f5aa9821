"""The officer console: server-rendered pages (Jinja2, autoescaped) under /officer, a thin
adapter over the dossier service like the API (handlers/api/).

Sessions are signed cookies (handlers/auth.py); every form carries a CSRF token derived from the
session (the login form: from a pre-login cookie). Pages show only the officer's agency's
dossiers; analysts see the queue without personal data and cannot open a dossier or act.
Photos are served through signed, expiring links that are also checked against the viewer
(handlers/officer_media.py). The service's typed errors become a flash on the dossier page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from core.db import Dossier
from core.hub import RUNTIME
from handlers import auth, canned, officer_extras, officer_inbox, officer_media, officer_session
from handlers.officer_render import (
    AUTHOR_LABELS,
    DELIVERY_LABELS,
    ERRORS,
    FLASH,
    STATUS_LABELS,
    TEXTS,
    forbidden,
    local_time,
    not_found,
    render,
)
from handlers.officer_session import csrf, current, require
from services import actions, dossier_views, notes, threads
from services.assignments import agency_officers, assign, claim
from services.attach import document_keys
from services.dossiers import MAX_PAGE, VISIBLE, DossierError, InvalidInput, S, find_dossier, local_today

routes = web.RouteTableDef()

# the form's path segment → the service's action
FORM_ACTIONS = {
    "supplement": "supplement",
    "message": "message",
    "accept": "accept",
    "reject": "reject",
    "result-ready": "result_ready",
    "complete": "complete",
    "late": "late",
    "take-over": "take_over",
    "hand-back": "hand_back",
    "survey": "survey",
}


def setup(app: web.Application) -> None:
    """Register the console (its login shares the app's throttle with the API's token route)."""
    auth.install_throttle(app, app[RUNTIME].settings)
    app.add_routes(officer_session.routes)
    app.add_routes(officer_inbox.routes)
    app.add_routes(officer_extras.routes)
    app.add_routes(routes)
    app.add_routes(officer_media.routes)


def _link(request: web.Request, who: auth.Principal) -> Callable[[str], str]:
    return auth.media_link(request.app[RUNTIME].settings.secret_key, who.id)


# ---- queue -----------------------------------------------------------------------------------------
@routes.get("/officer")
async def queue(request: web.Request) -> web.Response:
    who = await require(request)
    rt = request.app[RUNTIME]
    status = request.query.get("status") or None
    if status not in VISIBLE:
        status = None
    procedure = request.query.get("procedure") or None
    if procedure not in rt.engine.catalog:
        procedure = None
    due = request.query.get("due") or None
    if due not in ("soon", "overdue"):
        due = None
    mine = request.query.get("mine") == "1"
    result = await dossier_views.list_dossiers(
        rt,
        who,
        status=status,
        procedure=procedure,
        overdue=due == "overdue",
        due_soon=due == "soon",
        mine=mine,
        limit=MAX_PAGE,
    )
    procedures = [(p.key, p.name) for p in rt.engine.catalog.values()]
    return render(
        "queue.html",
        tz=rt.settings.timezone,
        who=who,
        csrf=csrf(request, who),
        result=result,
        status=status,
        procedure=procedure,
        due=due,
        mine=mine,
        procedures=procedures,
        statuses=[str(s) for s in VISIBLE],
        flash=FLASH.get(request.query.get("ok") or ""),
        error=ERRORS.get(request.query.get("err") or ""),
        bulk_done=request.query.get("done"),
        bulk_failed=request.query.get("failed"),
    )


# ---- dossier ---------------------------------------------------------------------------------------
async def _dossier_for(request: web.Request, who: auth.Principal) -> Dossier:
    d = await find_dossier(request.app[RUNTIME], who, request.match_info["code"])
    if d is None:
        raise not_found()
    if not who.can_read_personal:
        raise forbidden("forbidden_role")
    return d


def _supplement_rows(detail: dict[str, Any]) -> list[dict[str, Any]]:
    """Every document of the procedure, ticked (with a reason) when missing or received with a
    quality warning: the officer reviews and sends them all in one notice."""
    flagged = {doc["document"] for doc in detail["documents"] if doc["quality"]["accepted_with_warning"]}
    rows = []
    for item in detail["required_documents"]:
        reason = ""
        if not item["received"] and item["required"] and not item["condition"]:
            reason = TEXTS("supplement.missing")
        elif item["key"] in flagged:
            reason = TEXTS("supplement.retake")
        rows.append({**item, "tick": bool(reason), "reason": reason})
    return rows


@routes.get("/officer/dossiers/{code}")
async def dossier_page(request: web.Request) -> web.Response:
    who = await require(request)
    rt = request.app[RUNTIME]
    d = await _dossier_for(request, who)
    if d.status == S.SUBMITTED and who.can_act:
        try:
            await actions.start_review(rt, d.code, who.id)
            d = await find_dossier(rt, who, d.code) or d
        except DossierError:
            pass
    await claim(rt, who, d)  # the first acting officer to open it handles it
    link = _link(request, who)
    detail = await dossier_views.dossier_detail(rt, d, link)
    messages = await dossier_views.thread(rt, d.conversation_id, link)
    await threads.mark_read(rt, who, d.conversation_id)
    proc = rt.engine.catalog.get(d.procedure)
    field_labels = {f.key: f.label for f in proc.fields} if proc else {}
    ok = request.query.get("ok")
    err = request.query.get("err")
    tomorrow = local_today(rt.settings) + dt.timedelta(days=1)
    return render(
        "dossier.html",
        tz=rt.settings.timezone,
        who=who,
        csrf=csrf(request, who),
        d=detail,
        messages=messages,
        form_labels=field_labels,
        supplement_rows=_supplement_rows(detail),
        flash=FLASH.get(ok or ""),
        error=ERRORS.get(err or ""),
        last_id=messages[-1]["id"] if messages else 0,
        min_date=tomorrow.isoformat(),
        colleagues=await agency_officers(rt, who) if who.supervises else [],
        notes=await notes.list_notes(rt, who, d),
        attach_docs=list(document_keys(proc).items()) if who.can_act else [],
        canned=canned.replies(
            who.agency,
            name=detail["applicant_name"],
            code=d.code,
            procedure=detail["procedure_name"],
            due_date=detail["due_date"],
            officer=who.username,
            agency=rt.settings.agency_name,
        ),
    )


@routes.get("/officer/dossiers/{code}/thread")
async def thread_json(request: web.Request) -> web.Response:
    """What the open dossier page polls: messages after `after` and the delivery state of recent
    outbound messages (JSON; the page renders it as text, never as HTML)."""
    who = await current(request)
    if who is None:
        return web.json_response({"error": "unauthenticated"}, status=401)
    rt = request.app[RUNTIME]
    d = await find_dossier(rt, who, request.match_info["code"])
    if d is None or not who.can_read_personal:
        return web.json_response({"error": "not_found"}, status=404)
    try:
        after = max(0, int(request.query.get("after", "0")))
    except ValueError:
        return web.json_response({"error": "bad_query"}, status=400)
    link = _link(request, who)
    messages = await dossier_views.thread(rt, d.conversation_id, link, after)
    recent = await dossier_views.thread(rt, d.conversation_id, link, 0) if after else messages
    delivery = {str(m["id"]): m["delivery"] for m in recent[-200:] if m["delivery"]}
    if messages:
        await threads.mark_read(rt, who, d.conversation_id, messages[-1]["id"])
    for m in messages:
        m["at_local"] = local_time(m["at"], rt.settings.timezone)
        m["author_label"] = AUTHOR_LABELS.get(m["author"], m["author"])
        m["delivery_label"] = DELIVERY_LABELS.get(m["delivery"] or "", "")
    return web.json_response(
        {
            "messages": messages,
            "delivery": delivery,
            "delivery_labels": DELIVERY_LABELS,
            "status": d.status,
            "status_label": STATUS_LABELS.get(d.status, d.status),
        },
        headers={"Cache-Control": "no-store"},
    )


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput("invalid_body", "new_date: YYYY-MM-DD") from None


def _inputs(name: str, posted: Any) -> dict[str, Any]:
    """The service's inputs of action `name`, from the posted form."""
    if name == "supplement":
        docs = [str(k) for k in posted.getall("doc", [])]
        return {
            "items": [{"document": k, "reason": str(posted.get(f"reason:{k}", "")).strip()} for k in docs],
            "note": str(posted.get("note", "")),
        }
    if name == "message":
        return {"text": str(posted.get("text", ""))}
    if name == "reject":
        return {"reason": str(posted.get("reason", ""))}
    if name in ("result_ready", "complete"):
        return {"note": str(posted.get("note", ""))}
    if name == "late":
        return {"reason": str(posted.get("reason", "")), "new_date": _date(str(posted.get("new_date", "")))}
    return {}


@routes.post("/officer/dossiers/{code}/{action}")
async def act(request: web.Request) -> web.Response:
    who = await require(request)
    name = FORM_ACTIONS.get(request.match_info["action"])
    code = request.match_info["code"]
    if name is None and request.match_info["action"] != "assign":
        raise not_found()
    posted = await officer_session.form(request, who)
    rt = request.app[RUNTIME]
    d = await find_dossier(rt, who, code)
    if d is None:
        raise not_found()
    if not who.can_act or (name is None and not who.supervises):
        raise forbidden("forbidden_role")
    page = f"/officer/dossiers/{code}"
    if name == "reject" and posted.get("confirm") != "1":  # refusing needs an explicit confirmation
        raise web.HTTPSeeOther(f"{page}?err=confirm_reject#reject")
    if name == "supplement" and not posted.getall("doc", []):
        raise web.HTTPSeeOther(f"{page}?err=no_documents#supplement")
    try:
        if name is None:  # assign: supervisors only
            await assign(rt, who, d, str(posted.get("officer", "")).strip())
        else:
            await actions.perform(rt, who, code, name, **_inputs(name, posted))
    except DossierError as exc:
        raise web.HTTPSeeOther(f"{page}?{urlencode({'err': exc.code})}") from None
    if name is None:
        raise web.HTTPSeeOther(f"{page}?ok=assign")
    raise web.HTTPSeeOther(f"{page}?ok={name}#thread")
