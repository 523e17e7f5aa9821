"""More of the console's dossier routes, kept apart from handlers/officer.py: internal notes,
a chat photo attached to a document, bulk accept of supplemented dossiers, and the printed dossier sheet and receipt (PDF)."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web
from sqlalchemy import select

from core.db import DossierDocument
from core.hub import RUNTIME
from core.texts import LABELS
from handlers import auth, officer_print, officer_session
from handlers.officer_render import TEXTS, forbidden, headers, not_found
from handlers.officer_session import require
from services import actions, dossier_views, notes
from services.attach import attach_photo
from services.dossiers import DossierError, S, find_dossier

routes = web.RouteTableDef()
RECEIPT_STATUSES = (S.ACCEPTED, S.RESULT_READY, S.COMPLETED)
MAX_BULK = 100


async def _dossier(request: web.Request, who: auth.Principal):
    d = await find_dossier(request.app[RUNTIME], who, request.match_info["code"])
    if d is None:
        raise not_found()
    if not who.can_read_personal:
        raise forbidden("forbidden_role")
    return d


@routes.post("/officer/dossiers/{code}/note")
async def add_note(request: web.Request) -> web.Response:
    who = await require(request)
    posted = await officer_session.form(request, who)
    d = await _dossier(request, who)
    if not who.can_act:
        raise forbidden("forbidden_role")
    page = f"/officer/dossiers/{d.code}"
    try:
        await notes.add_note(request.app[RUNTIME], who, d, str(posted.get("text", "")))
    except DossierError as exc:
        raise web.HTTPSeeOther(f"{page}?{urlencode({'err': exc.code})}#notes-section") from None
    raise web.HTTPSeeOther(f"{page}?ok=note#notes-section")


@routes.post("/officer/dossiers/{code}/attach")
async def attach(request: web.Request) -> web.Response:
    """A citizen's photo from the chat attached to a document of the dossier."""
    who = await require(request)
    posted = await officer_session.form(request, who)
    d = await _dossier(request, who)
    if not who.can_act:
        raise forbidden("forbidden_role")
    page = f"/officer/dossiers/{d.code}"
    try:
        message, index = int(str(posted.get("message", ""))), int(str(posted.get("index", "")))
        await attach_photo(request.app[RUNTIME], who, d, message, index, str(posted.get("document", "")))
    except ValueError:
        raise web.HTTPSeeOther(f"{page}?err=no_photo#thread") from None
    except DossierError as exc:
        raise web.HTTPSeeOther(f"{page}?{urlencode({'err': exc.code})}#thread") from None
    raise web.HTTPSeeOther(f"{page}?ok=attach#h-docs")


@routes.post("/officer/bulk-accept")
async def bulk_accept(request: web.Request) -> web.Response:
    """Accept every chosen dossier (the queue offers it for supplemented ones); each one is its
    own audited action, and one that cannot be accepted any more is skipped and counted."""
    who = await require(request)
    posted = await officer_session.form(request, who)
    if not who.can_act:
        raise forbidden("forbidden_role")
    rt = request.app[RUNTIME]
    codes = [str(c) for c in posted.getall("code", [])][:MAX_BULK]
    if not codes:  # nothing ticked: say so, never "accepted: 0"
        raise web.HTTPSeeOther("/officer?err=no_selection")
    done = failed = 0
    for code in codes:
        try:
            await actions.perform(rt, who, code, "accept")
            done += 1
        except DossierError:
            failed += 1
    raise web.HTTPSeeOther("/officer?" + urlencode({"ok": "bulk_accept", "done": done, "failed": failed}))


def _pdf(data: bytes, name: str) -> web.Response:
    h = headers()
    h["Content-Disposition"] = f'attachment; filename="{name}"'
    return web.Response(body=data, content_type="application/pdf", headers=h)


@routes.get("/officer/dossiers/{code}/print/{kind}")
async def print_pdf(request: web.Request) -> web.Response:
    who = await require(request)
    kind = request.match_info["kind"]
    if kind not in ("sheet.pdf", "receipt.pdf"):
        raise not_found()
    rt = request.app[RUNTIME]
    d = await _dossier(request, who)
    detail = await dossier_views.dossier_detail(rt, d, auth.media_link(rt.settings.secret_key, who.id))
    tz = rt.settings.timezone
    if kind == "receipt.pdf":
        if d.status not in RECEIPT_STATUSES:
            raise not_found()
        accepted = [e["at"] for e in detail["audit"] if e["action"] == "accepted"]
        proc = rt.engine.catalog.get(d.procedure)
        data = officer_print.receipt(
            detail,
            agency=rt.settings.agency_name,
            where=proc.where if proc else rt.settings.agency_name,
            channel=TEXTS.get("channels").get(detail["channel"] or "", detail["channel"] or ""),
            received_at=accepted[-1] if accepted else detail["submitted_at"],
            tz=tz,
        )
        return _pdf(data, f"{d.code}-mau-01.pdf")
    async with rt.db.session() as s:
        stored = dict(
            (
                await s.execute(
                    select(DossierDocument.id, DossierDocument.file_path).where(
                        DossierDocument.dossier_id == d.id
                    )
                )
            ).all()
        )
    paths = {}
    for doc_id, relative in stored.items():
        try:
            paths[doc_id] = rt.media.full_path(relative)
        except ValueError:  # a path outside MEDIA_DIR is never opened
            continue
    proc = rt.engine.catalog.get(d.procedure)
    data = officer_print.dossier_sheet(
        detail,
        paths=paths,
        labels={
            "status": LABELS.get("status"),
            "fields": {f.key: f.label for f in proc.fields} if proc else {},
            "id_fields": LABELS.get("fields"),
        },
        tz=tz,
        officer=who.username,
    )
    return _pdf(data, f"{d.code}-phieu-ho-so.pdf")
