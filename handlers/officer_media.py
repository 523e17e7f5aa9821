"""The console's files: dossier photos and thread attachments behind signed, expiring,
per-viewer links (also reachable with an API bearer token), and the console's own static files."""

from __future__ import annotations

from pathlib import Path

from aiohttp import web
from sqlalchemy import select

from core.db import Dossier, DossierDocument, MessageLog
from core.hub import RUNTIME
from handlers import auth
from handlers.files import stored_file
from handlers.officer_session import current
from services.inbox import agencies_of

STATIC = Path(__file__).resolve().parent / "static"
routes = web.RouteTableDef()


async def _viewer(request: web.Request) -> auth.Principal | None:
    """The console session's officer, else the API bearer token's."""
    who = await current(request)
    token = auth.bearer_token(request) if who is None else None
    if token is not None:
        rt = request.app[RUNTIME]
        who = await auth.resolve(rt.db, rt.settings.secret_key, "api", token)
    return who


async def _path(rt, who: auth.Principal, ref: str) -> str | None:
    """The stored path of a photo (d{id}), a paper's cleaned PDF (c{id}) or its first cleaned
    page (p{id}), or an attachment (m{message}.{i}) of the viewer's agency."""
    async with rt.db.session() as s:
        if ref[:1] in ("d", "c", "p") and ref[1:].isdigit():
            row = (
                await s.execute(
                    select(DossierDocument.file_path, DossierDocument.reading, Dossier.agency)
                    .join(Dossier, Dossier.id == DossierDocument.dossier_id)
                    .where(DossierDocument.id == int(ref[1:]))
                )
            ).first()
            if not row or row.agency != who.agency:
                return None
            reading = row.reading or {}
            if ref[0] == "c":
                return reading.get("clean_pdf")
            if ref[0] == "p":
                return (reading.get("clean_pages") or [None])[0]
            return row.file_path
        mid, _, idx = ref[1:].partition(".")
        if not (ref.startswith("m") and mid.isdigit() and idx.isdigit()):
            return None
        msg = await s.get(MessageLog, int(mid))
        if msg is None:
            return None
        # the thread's agency (its latest dossier's; a thread with no dossier yet: this deployment's)
        agency = (await agencies_of(s, rt.settings, [msg.conversation_id]))[msg.conversation_id]
        atts = msg.attachments or []
        if who.agency == agency and int(idx) < len(atts):
            return atts[int(idx)].get("path")
    return None


@routes.get("/officer/media/{ref}")
async def media(request: web.Request) -> web.StreamResponse:
    """The link must be signed for this viewer and unexpired, and the viewer must still be
    allowed to see the file."""
    rt = request.app[RUNTIME]
    who = await _viewer(request)
    ref = request.match_info["ref"]
    if (
        who is None
        or not who.can_read_personal
        or not auth.media_ok(
            rt.settings.secret_key, ref, who.id, request.query.get("exp"), request.query.get("sig")
        )
    ):
        raise web.HTTPForbidden()
    path = await _path(rt, who, ref)
    if not path:
        raise web.HTTPNotFound()
    return stored_file(
        rt.media, path, "private, no-store", **{"Content-Security-Policy": "default-src 'none'; sandbox"}
    )


@routes.get("/officer/static/{name}")
async def static(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    path = STATIC / name
    if "/" in name or name.startswith(".") or not name.startswith("officer.") or not path.is_file():
        raise web.HTTPNotFound()
    return web.FileResponse(path, headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})
