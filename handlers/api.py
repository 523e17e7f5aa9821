"""The officers' JSON API (v1) and its OpenAPI 3 description; also the dossier queries the console
shares (handlers/officer.py renders the same data as HTML).

Authentication: `POST /api/v1/auth/token {username, password}` returns a signed bearer token
(one hour). Every other route needs `Authorization: Bearer …`. An officer sees only dossiers of
their own agency (another agency's dossier answers 404, as if it did not exist); analysts see the
queue without personal data and cannot act. Errors are JSON: `{"error": CODE, "message": TEXT}`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from handlers import auth
from services import conversations
from core.db import AuditEvent, Citizen, Conversation, Dossier, DossierDocument, MessageLog, Officer, Outbox
from core.db.models import DossierAssignment, utcnow
from core.hub import RUNTIME
from flows import calendar

log = logging.getLogger(__name__)

STATUSES = ("draft", "submitted", "in_review", "needs_supplement", "accepted", "rejected", "result_ready",
            "completed")
VISIBLE = STATUSES[1:]  # a draft has no code yet: officers never see it
# statuses in which the office still owes the citizen something by the due date
PENDING = ("submitted", "in_review", "needs_supplement", "accepted")
DUE_SOON_WORKING_DAYS = 2
MAX_PAGE = 200

ACTION_STATUS = {"not_found": 404, "bad_status": 409, "unknown_document": 422, "empty": 422, "bad_date": 422}

routes = web.RouteTableDef()
THROTTLE = web.AppKey("officer_throttle", auth.Throttle)


# ---- errors ---------------------------------------------------------------------------------------
class ApiError(web.HTTPException):
    """An HTTP error with a JSON body {"error": code, "message": text}."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None, **extra: Any) -> None:
        self.status_code = status
        super().__init__(text=json.dumps({"error": code, "message": message, **extra}, ensure_ascii=False),
                         content_type="application/json", headers=headers)


def throttle(app: web.Application) -> auth.Throttle:
    return app[THROTTLE]


@web.middleware
async def json_errors(request: web.Request, handler):
    """Under /api/: every error is JSON, including the router's 404/405 and unexpected failures."""
    if not request.path.startswith("/api/"):
        return await handler(request)
    try:
        return await handler(request)
    except ApiError:
        raise
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}.get(exc.status, "http_error")
        raise ApiError(exc.status, code, exc.reason, headers={"Allow": exc.headers["Allow"]}
                       if "Allow" in exc.headers else None) from None
    except Exception:
        log.exception("API error on %s %s", request.method, request.path)
        raise ApiError(500, "internal", "Lỗi máy chủ; vui lòng thử lại.") from None


# ---- who is asking ------------------------------------------------------------------------------
async def bearer(request: web.Request) -> auth.Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthenticated", "Thiếu mã truy cập (Authorization: Bearer …).",
                       headers={"WWW-Authenticate": "Bearer"})
    rt = request.app[RUNTIME]
    who = await auth.resolve(rt.db, rt.settings.secret_key, "api", token.strip())
    if who is None:
        raise ApiError(401, "invalid_token", "Mã truy cập không hợp lệ hoặc đã hết hạn.",
                       headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return who


def need_personal(who: auth.Principal) -> None:
    if not who.can_read_personal:
        raise ApiError(403, "forbidden_role", "Vai trò của bạn không được xem dữ liệu cá nhân.")


def need_act(who: auth.Principal) -> None:
    if not who.can_act:
        raise ApiError(403, "forbidden_role", "Vai trò của bạn không được xử lý hồ sơ.")


# ---- queries shared with the console -----------------------------------------------------------
def local_today(settings) -> dt.date:
    return dt.datetime.now(ZoneInfo(settings.timezone)).date()


def due_soon_limit(today: dt.date) -> dt.date:
    day = today
    for _ in range(DUE_SOON_WORKING_DAYS):
        day = calendar.next_working_day(day)
    return day


def due_state(d: Dossier, today: dt.date) -> str | None:
    if d.due_date is None or d.status not in PENDING:
        return None
    if d.due_date < today:
        return "overdue"
    if d.due_date <= due_soon_limit(today):
        return "due_soon"
    return "on_time"


async def list_dossiers(rt, who: auth.Principal, *, status: str | None = None, procedure: str | None = None,
                        overdue: bool = False, due_soon: bool = False, mine: bool = False, limit: int = 100,
                        offset: int = 0) -> dict[str, Any]:
    today = local_today(rt.settings)
    q = select(Dossier).where(Dossier.agency == who.agency, Dossier.code.is_not(None), Dossier.status != "draft")
    if mine:
        q = q.where(Dossier.id.in_(select(DossierAssignment.dossier_id).where(DossierAssignment.officer_id == who.id)))
    if status:
        q = q.where(Dossier.status == status)
    if procedure:
        q = q.where(Dossier.procedure == procedure)
    if overdue:
        q = q.where(Dossier.status.in_(PENDING), Dossier.due_date < today)
    if due_soon:
        q = q.where(Dossier.status.in_(PENDING), Dossier.due_date >= today,
                    Dossier.due_date <= due_soon_limit(today))
    async with rt.db.session() as s:
        total = (await s.execute(select(func.count()).select_from(q.subquery()))).scalar_one()
        rows = (await s.execute(q.order_by(Dossier.due_date.is_(None), Dossier.due_date, Dossier.id)
                                .limit(limit).offset(offset))).scalars().all()
        counts = dict((await s.execute(
            select(Dossier.status, func.count()).where(Dossier.agency == who.agency, Dossier.code.is_not(None),
                                                       Dossier.status != "draft")
            .group_by(Dossier.status))).all())
        overdue_n = (await s.execute(select(func.count()).select_from(Dossier).where(
            Dossier.agency == who.agency, Dossier.code.is_not(None), Dossier.status.in_(PENDING),
            Dossier.due_date < today))).scalar_one()
        assignees = await assignee_names(s, [d.id for d in rows])
    catalog = rt.engine.catalog
    items = [{
        "code": d.code, "procedure": d.procedure,
        "procedure_name": catalog[d.procedure].name if d.procedure in catalog else d.procedure,
        "status": d.status,
        "submitted_at": d.submitted_at.isoformat() if d.submitted_at else None,
        "due_date": d.due_date.isoformat() if d.due_date else None,
        "due_state": due_state(d, today),
        "assignee": assignees.get(d.id),
        "days_late": (today - d.due_date).days if due_state(d, today) == "overdue" else None,
    } for d in rows]
    return {"items": items, "total": total, "counts": {k: int(counts.get(k, 0)) for k in VISIBLE},
            "overdue": int(overdue_n)}


async def assignee_names(session, dossier_ids: list[int]) -> dict[int, str]:
    if not dossier_ids:
        return {}
    rows = (await session.execute(
        select(DossierAssignment.dossier_id, Officer.username).join(Officer, Officer.id == DossierAssignment.officer_id)
        .where(DossierAssignment.dossier_id.in_(dossier_ids)))).all()
    return dict(rows)


async def assign(rt, who: auth.Principal, d: Dossier, username: str | None = None) -> str:
    """Assign the dossier: to `username` (a supervisor reassigning; same agency, an acting role)
    or, with no username, to the viewer when nobody has it yet. Returns the assignee's username."""
    try:
        return await _assign(rt, who, d, username)
    except IntegrityError:  # two officers opened it at the same moment: the first one has it
        async with rt.db.session() as s:
            return (await assignee_names(s, [d.id])).get(d.id) or ""


async def _assign(rt, who: auth.Principal, d: Dossier, username: str | None) -> str:
    async with rt.db.session() as s, s.begin():
        current = await s.get(DossierAssignment, d.id)
        if username is None:
            if current is not None:
                return (await s.get(Officer, current.officer_id)).username
            target = await s.get(Officer, who.id)
        else:
            if not who.supervises:
                raise ApiError(403, "forbidden_role", "Chỉ lãnh đạo (supervisor) được phân công lại hồ sơ.")
            target = (await s.execute(select(Officer).where(Officer.username == username))).scalar_one_or_none()
            if target is None or target.agency != who.agency or not target.active \
                    or target.role not in auth.ACTING_ROLES:
                raise ApiError(422, "unknown_officer", "Không có cán bộ này trong cơ quan (hoặc không được xử lý hồ sơ).")
        if current is None:
            s.add(DossierAssignment(dossier_id=d.id, officer_id=target.id,
                                    assigned_by=who.id if username else None))
        else:
            current.officer_id, current.assigned_by, current.assigned_at = target.id, who.id, utcnow()
        s.add(AuditEvent(actor=who.actor, action="assigned", dossier_id=d.id,
                         data={"officer": target.username, "by": who.username}))
        return target.username


async def agency_officers(rt, who: auth.Principal) -> list[str]:
    async with rt.db.session() as s:
        return list((await s.execute(select(Officer.username).where(
            Officer.agency == who.agency, Officer.active.is_(True), Officer.role.in_(sorted(auth.ACTING_ROLES)))
            .order_by(Officer.username))).scalars())


async def find_dossier(rt, who: auth.Principal, code: str) -> Dossier | None:
    """The dossier if it exists and belongs to the officer's agency (None otherwise: no leak)."""
    if not isinstance(code, str) or len(code) > 40:
        return None
    async with rt.db.session() as s:
        d = (await s.execute(select(Dossier).where(Dossier.code == code))).scalar_one_or_none()
    if d is None or d.agency != who.agency or d.status == "draft":
        return None
    return d


def _delivery(status: str | None) -> str | None:
    if status is None:
        return None
    return {"pending": "sending", "sending": "sending"}.get(status, status)


async def thread(rt, who: auth.Principal, conversation_id: int, after: int = 0,
                 media_base: str = "/officer") -> list[dict[str, Any]]:
    """The whole thread (citizen, bot and officer turns) with each outbound message's delivery
    state (sending | sent | failed | held)."""
    async with rt.db.session() as s:
        rows = (await s.execute(
            select(MessageLog, Outbox.status, Officer.username)
            .outerjoin(Outbox, Outbox.message_id == MessageLog.id)
            .outerjoin(Officer, Officer.id == MessageLog.officer_id)
            .where(MessageLog.conversation_id == conversation_id, MessageLog.id > after)
            .order_by(MessageLog.id).limit(1000))).all()
    out = []
    for m, status, username in rows:
        attachments = []
        for i, a in enumerate(m.attachments or []):
            item = {"type": a.get("type"), "name": a.get("name"), "problem": a.get("problem")}
            if a.get("path") and a.get("type") == "image":
                item["url"] = f"{media_base}/media/m{m.id}.{i}?" + auth.media_query(
                    rt.settings.secret_key, f"m{m.id}.{i}", who.id)
            attachments.append(item)
        out.append({
            "id": m.id, "direction": m.direction, "author": m.author, "officer": username,
            "kind": m.kind, "text": m.text or "", "attachments": attachments,
            "at": m.created_at.isoformat() if m.created_at else None,
            "delivery": _delivery(status) if m.direction == "out" else None,
        })
    return out


async def dossier_detail(rt, who: auth.Principal, d: Dossier, media_base: str = "/officer") -> dict[str, Any]:
    catalog = rt.engine.catalog
    proc = catalog.get(d.procedure)
    today = local_today(rt.settings)
    async with rt.db.session() as s:
        docs = (await s.execute(select(DossierDocument).where(DossierDocument.dossier_id == d.id)
                                .order_by(DossierDocument.id))).scalars().all()
        audit_rows = (await s.execute(select(AuditEvent).where(AuditEvent.dossier_id == d.id)
                                      .order_by(AuditEvent.id))).scalars().all()
        ids = {int(e.actor.split(":", 1)[1]) for e in audit_rows
               if e.actor.startswith("officer:") and e.actor.split(":", 1)[1].isdigit()}
        usernames = dict((await s.execute(select(Officer.id, Officer.username).where(Officer.id.in_(ids)))).all()) \
            if ids else {}
        events = [(e, usernames.get(int(e.actor.split(":", 1)[1])) if e.actor.startswith("officer:")
                   and e.actor.split(":", 1)[1].isdigit() else None) for e in audit_rows]
        conv = await s.get(Conversation, d.conversation_id)
        handler = (await s.get(Officer, conv.handled_by)) if conv and conv.handled_by else None
        assignee = (await assignee_names(s, [d.id])).get(d.id)
        citizen = await s.get(Citizen, d.citizen_id)
    names: dict[str, str] = {}
    plan: list[dict[str, Any]] = []
    if proc is not None:
        for doc in proc.documents:
            names[doc.key] = doc.name
            for alt in doc.alternatives:
                names[alt.key] = alt.name
            plan.append({"key": doc.key, "name": doc.name, "required": doc.required,
                         "condition": doc.condition,
                         "alternatives": [{"key": a.key, "name": a.name} for a in doc.alternatives]})
    documents = []
    for doc in docs:
        quality = doc.quality or {}
        reading = doc.reading or None
        fields = []
        if reading:
            for name, value in (reading.get("fields") or {}).items():
                fields.append({"name": name, "value": value, "source": (reading.get("sources") or {}).get(name),
                               "confidence": (reading.get("confidence") or {}).get(name),
                               "confirmed": (doc.confirmed or {}).get(name)})
        for name, value in (doc.confirmed or {}).items():
            if not any(f["name"] == name for f in fields):
                fields.append({"name": name, "value": None, "source": None, "confidence": None, "confirmed": value})
        documents.append({
            "id": doc.id, "document": doc.doc_key, "name": names.get(doc.doc_key, doc.doc_key),
            "content_type": doc.content_type, "size": doc.size,
            "url": f"{media_base}/media/d{doc.id}?" + auth.media_query(rt.settings.secret_key, f"d{doc.id}", who.id),
            "quality": {"ok": quality.get("ok"), "problems": list(quality.get("problems") or []),
                        "accepted_with_warning": bool(quality.get("accepted_with_warning")),
                        "retakes": quality.get("retakes")},
            "reading": None if reading is None else {
                "type": reading.get("type"), "fields": fields, "checks": reading.get("checks") or {},
                "warnings": check_warnings(reading, doc.confirmed)},
            "received_at": doc.created_at.isoformat() if doc.created_at else None,
        })
    have = {doc.doc_key for doc in docs}
    for item in plan:
        item["received"] = item["key"] in have or any(a["key"] in have for a in item["alternatives"])
    return {
        "code": d.code, "procedure": d.procedure, "procedure_name": proc.name if proc else d.procedure,
        "status": d.status, "fields": d.fields or {},
        "submitted_at": d.submitted_at.isoformat() if d.submitted_at else None,
        "supplemented_at": _iso(getattr(d, "supplemented_at", None)),
        "due_date": d.due_date.isoformat() if d.due_date else None, "due_state": due_state(d, today),
        "channel": conv.channel if conv else None,
        "citizen_name": citizen.display_name if citizen else None,
        "handled_by": handler.username if handler else None, "assignee": assignee,
        "taken_over": bool(conv and conversations.is_taken_over(conv.state)),
        "documents": documents, "required_documents": plan,
        "audit": [{"at": e.created_at.isoformat() if e.created_at else None, "actor": e.actor,
                   "officer": username, "action": e.action, "data": e.data or {}} for e, username in events],
    }


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def check_warnings(reading: dict, confirmed: dict | None) -> list[str]:
    """Every cross-check of an ID reading that did not pass, in words an officer reads quickly."""
    out: list[str] = []

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                walk(f"{prefix}.{k}" if prefix else str(k), v)
        elif value in (True, "ok", None) or isinstance(value, (int, float)) and not isinstance(value, bool):
            return
        else:
            out.append(f"{prefix}: {value}")

    walk("", reading.get("checks") or {})
    for name, conf in (reading.get("confidence") or {}).items():
        if isinstance(conf, (int, float)) and conf < 0.6:
            out.append(f"{name}: độ tin cậy thấp ({conf:.2f})")
    for name, value in (confirmed or {}).items():
        read = (reading.get("fields") or {}).get(name)
        if read not in (None, "") and str(read) != str(value):
            out.append(f"{name}: người dân đã sửa thành giá trị khác với ảnh")
    return out


async def run_action(rt, who: auth.Principal, code: str, name: str, body: dict[str, Any]) -> dict[str, Any]:
    """Call bot/actions.py for `name` with a validated body; ActionError becomes ApiError."""
    from services import actions

    if await find_dossier(rt, who, code) is None:
        raise ApiError(404, "not_found", "Không tìm thấy hồ sơ.")
    need_act(who)
    try:
        if name == "supplement":
            items = body.get("items")
            if not isinstance(items, list) or not items or not all(
                    isinstance(i, dict) and isinstance(i.get("document"), str) and isinstance(i.get("reason"), str)
                    for i in items):
                raise ApiError(400, "invalid_body", "items: cần danh sách {document, reason}.")
            note = body.get("note", "")
            if not isinstance(note, str):
                raise ApiError(400, "invalid_body", "note phải là chuỗi.")
            mid = await actions.request_supplement(rt, code, who.id, items, note)
        elif name == "message":
            mid = await actions.send_officer_message(rt, code, who.id, _str(body, "text"))
        elif name == "accept":
            mid = await actions.accept(rt, code, who.id)
        elif name == "reject":
            mid = await actions.reject(rt, code, who.id, _str(body, "reason"))
        elif name == "result_ready":
            mid = await actions.result_ready(rt, code, who.id, _str(body, "note", required=False))
        elif name == "complete":
            mid = await actions.complete(rt, code, who.id, _str(body, "note", required=False))
        elif name == "late":
            raw = _str(body, "new_date")
            try:
                new_date = dt.date.fromisoformat(raw)
            except ValueError:
                raise ApiError(400, "invalid_body", "new_date: ngày dạng YYYY-MM-DD.") from None
            mid = await actions.apologise_late(rt, code, who.id, _str(body, "reason"), new_date)
        elif name == "review":
            mid = await actions.start_review(rt, code, who.id)
            d = await find_dossier(rt, who, code)
            if d is not None:
                await assign(rt, who, d)
        elif name == "take_over":
            mid = await actions.take_over(rt, code, who.id)
        elif name == "hand_back":
            mid = await actions.hand_back(rt, code, who.id)
        else:  # pragma: no cover - routes name only the above
            raise ApiError(404, "not_found", "Không có thao tác này.")
    except actions.ActionError as exc:
        raise ApiError(ACTION_STATUS.get(exc.code, 422), exc.code, str(exc)) from None
    d = await find_dossier(rt, who, code)
    return {"code": code, "status": d.status if d else None, "message_id": mid}


def _str(body: dict, name: str, required: bool = True, limit: int = 4000) -> str:
    value = body.get(name, "" if not required else None)
    if not isinstance(value, str) or (required and not value.strip()):
        raise ApiError(400, "invalid_body", f"{name}: cần một chuỗi không rỗng.")
    if len(value) > limit:
        raise ApiError(400, "invalid_body", f"{name}: dài quá {limit} ký tự.")
    return value


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "malformed_json", "Nội dung không phải JSON hợp lệ.") from None
    if not isinstance(body, dict):
        raise ApiError(400, "malformed_json", "Nội dung phải là một đối tượng JSON.")
    return body


def _flag(request: web.Request, name: str) -> bool:
    value = request.query.get(name, "").lower()
    if value in ("", "false", "0", "no"):
        return False
    if value in ("true", "1", "yes"):
        return True
    raise ApiError(400, "bad_query", f"{name}: true hoặc false.")


def _int(request: web.Request, name: str, default: int, lo: int, hi: int) -> int:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ApiError(400, "bad_query", f"{name}: số nguyên.") from None
    if not lo <= value <= hi:
        raise ApiError(400, "bad_query", f"{name}: từ {lo} đến {hi}.")
    return value


# ---- routes ---------------------------------------------------------------------------------------
@routes.post("/api/v1/auth/token")
async def token(request: web.Request) -> web.Response:
    body = await _body(request)
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username or len(username) > 64 \
            or len(password) > 1024:
        raise ApiError(400, "invalid_body", "Cần username và password.")
    rt = request.app[RUNTIME]
    th = throttle(request.app)
    ip = auth.client_ip(request, rt.settings.trusted_proxies)
    wait = await th.retry_after(username, ip)
    if wait:
        raise ApiError(429, "too_many_attempts", "Đăng nhập sai quá nhiều lần; vui lòng thử lại sau.",
                       headers={"Retry-After": str(wait)}, retry_after=wait)
    officer = await auth.authenticate(rt.db, username, password)
    if officer is None:
        await th.failed(username, ip)
        raise ApiError(401, "bad_credentials", "Sai tên đăng nhập hoặc mật khẩu.")
    await th.succeeded(username, ip)
    return web.json_response({"access_token": auth.new_api_token(rt.settings.secret_key, officer),
                              "token_type": "Bearer", "expires_in": auth.API_TOKEN_TTL_S,
                              "officer": {"username": officer.username, "agency": officer.agency,
                                          "role": officer.role}})


@routes.get("/api/v1/me")
async def me(request: web.Request) -> web.Response:
    who = await bearer(request)
    return web.json_response({"username": who.username, "agency": who.agency, "role": who.role,
                              "can_act": who.can_act})


@routes.get("/api/v1/dossiers")
async def dossiers(request: web.Request) -> web.Response:
    who = await bearer(request)
    status = request.query.get("status") or None
    if status is not None and status not in VISIBLE:
        raise ApiError(400, "bad_query", f"status: một trong {', '.join(VISIBLE)}.")
    procedure = request.query.get("procedure") or None
    if procedure is not None and len(procedure) > 40:
        raise ApiError(400, "bad_query", "procedure: quá dài.")
    result = await list_dossiers(request.app[RUNTIME], who, status=status, procedure=procedure,
                                 overdue=_flag(request, "overdue"), due_soon=_flag(request, "due_soon"),
                                 mine=_flag(request, "mine"),
                                 limit=_int(request, "limit", 100, 1, MAX_PAGE),
                                 offset=_int(request, "offset", 0, 0, 10_000_000))
    return web.json_response(result)


async def _visible(request: web.Request) -> tuple[auth.Principal, Dossier]:
    who = await bearer(request)
    d = await find_dossier(request.app[RUNTIME], who, request.match_info["code"])
    if d is None:
        raise ApiError(404, "not_found", "Không tìm thấy hồ sơ.")
    return who, d


@routes.get("/api/v1/dossiers/{code}")
async def dossier(request: web.Request) -> web.Response:
    who, d = await _visible(request)
    need_personal(who)
    return web.json_response(await dossier_detail(request.app[RUNTIME], who, d))


@routes.get("/api/v1/dossiers/{code}/messages")
async def messages(request: web.Request) -> web.Response:
    who, d = await _visible(request)
    need_personal(who)
    after = _int(request, "after", 0, 0, 2**62)
    return web.json_response({"messages": await thread(request.app[RUNTIME], who, d.conversation_id, after)})


def _action_route(path: str, name: str, status: int = 200):
    async def handler(request: web.Request) -> web.Response:
        who = await bearer(request)
        body = await _body(request)
        result = await run_action(request.app[RUNTIME], who, request.match_info["code"], name, body)
        return web.json_response(result, status=status)

    handler.__name__ = f"action_{name}"
    routes.post(f"/api/v1/dossiers/{{code}}/{path}")(handler)


ACTION_ROUTES = {
    # path: (action, summary, body schema name or None, success status)
    "supplement-request": ("supplement", "Yêu cầu bổ sung (Mẫu 02): mọi giấy tờ còn thiếu trong một lần",
                           "SupplementRequest", 201),
    "messages": ("message", "Trả lời vào đúng cuộc trò chuyện của người dân", "MessageIn", 201),
    "accept": ("accept", "Tiếp nhận hồ sơ và gửi giấy hẹn (Mẫu 01)", None, 200),
    "reject": ("reject", "Từ chối hồ sơ (Mẫu 03)", "RejectIn", 200),
    "result-ready": ("result_ready", "Báo có kết quả", "NoteIn", 200),
    "complete": ("complete", "Đã trả kết quả cho người dân: hồ sơ hoàn thành (result_ready → completed)", "NoteIn", 200),
    "late-apology": ("late", "Xin lỗi và hẹn lại ngày trả kết quả (Mẫu 04)", "LateIn", 200),
    "review": ("review", "Bắt đầu xem xét hồ sơ (submitted → in_review)", None, 200),
    "take-over": ("take_over", "Cán bộ nhận trò chuyện (bot tạm dừng)", None, 200),
    "hand-back": ("hand_back", "Trả trò chuyện lại cho bot", None, 200),
}
for _path, (_name, _summary, _schema, _status) in ACTION_ROUTES.items():
    _action_route(_path, _name, _status)


@routes.get("/api/v1/reports/overdue")
async def overdue_report(request: web.Request) -> web.Response:
    who = await bearer(request)
    if not who.supervises:
        raise ApiError(403, "forbidden_role", "Chỉ lãnh đạo (supervisor) xem báo cáo quá hạn.")
    rt = request.app[RUNTIME]
    result = await list_dossiers(rt, who, overdue=True, limit=MAX_PAGE)
    today = local_today(rt.settings)
    return web.json_response({"as_of": today.isoformat(), "items": result["items"], "total": result["total"]})


@routes.post("/api/v1/dossiers/{code}/assign")
async def reassign(request: web.Request) -> web.Response:
    who, d = await _visible(request)
    if not who.supervises:
        raise ApiError(403, "forbidden_role", "Chỉ lãnh đạo (supervisor) được phân công lại hồ sơ.")
    body = await _body(request)
    username = _str(body, "officer", limit=64)
    assignee = await assign(request.app[RUNTIME], who, d, username.strip())
    return web.json_response({"code": d.code, "assignee": assignee})


@routes.get("/api/v1/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_spec(request.app[RUNTIME].settings.public_base_url))


# ---- OpenAPI --------------------------------------------------------------------------------------
def _err(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _json(ref: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}}}


CODE_PARAM = {"name": "code", "in": "path", "required": True,
              "schema": {"type": "string", "maxLength": 40, "example": "DEMO-261123-0001"},
              "description": "Mã hồ sơ {AGENCY_CODE}-{YYMMDD}-{NNNN}"}


def openapi_spec(server: str = "/") -> dict[str, Any]:
    secured = [{"bearer": []}]
    common = {"401": _err("Thiếu hoặc sai mã truy cập"), "403": _err("Vai trò không được phép")}
    paths: dict[str, Any] = {
        "/api/v1/auth/token": {"post": {
            "summary": "Lấy mã truy cập (bearer, 1 giờ)", "operationId": "createToken", "security": [],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Credentials"}}}},
            "responses": {"200": _json("Token", "Mã truy cập"), "400": _err("Thiếu trường"),
                          "401": _err("Sai tên đăng nhập hoặc mật khẩu"),
                          "429": _err("Quá nhiều lần sai; thử lại sau Retry-After giây")}}},
        "/api/v1/me": {"get": {"summary": "Tài khoản của mã truy cập", "operationId": "me", "security": secured,
                               "responses": {"200": _json("Me", "Tài khoản"), "401": common["401"]}}},
        "/api/v1/dossiers": {"get": {
            "summary": "Danh sách hồ sơ của cơ quan mình", "operationId": "listDossiers", "security": secured,
            "parameters": [
                {"name": "status", "in": "query", "schema": {"type": "string", "enum": list(VISIBLE)}},
                {"name": "procedure", "in": "query", "schema": {"type": "string", "maxLength": 40}},
                {"name": "overdue", "in": "query", "schema": {"type": "boolean"}},
                {"name": "due_soon", "in": "query", "schema": {"type": "boolean"}},
                {"name": "mine", "in": "query", "schema": {"type": "boolean"}, "description": "assigned to me"},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE}},
                {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": 10_000_000}},
            ],
            "responses": {"200": _json("DossierList", "Hồ sơ và số lượng theo trạng thái"),
                          "400": _err("Tham số sai"), "401": common["401"]}}},
        "/api/v1/dossiers/{code}": {"get": {
            "summary": "Chi tiết hồ sơ: giấy tờ (đường dẫn có chữ ký, hết hạn), thông tin đọc từ thẻ, cảnh báo, nhật ký",
            "operationId": "getDossier", "security": secured, "parameters": [CODE_PARAM],
            "responses": {"200": _json("DossierDetail", "Hồ sơ"), **common, "404": _err("Không có (hoặc của cơ quan khác)")}}},
        "/api/v1/dossiers/{code}/messages": {
            "get": {"summary": "Toàn bộ cuộc trò chuyện (người dân, bot, cán bộ) và trạng thái gửi",
                    "operationId": "listMessages", "security": secured,
                    "parameters": [CODE_PARAM, {"name": "after", "in": "query",
                                                "schema": {"type": "integer", "minimum": 0, "maximum": 2**62}}],
                    "responses": {"200": _json("Thread", "Tin nhắn"), "400": _err("Tham số sai"), **common,
                                  "404": _err("Không có hồ sơ")}},
        },
        "/api/v1/dossiers/{code}/assign": {"post": {
            "summary": "Phân công lại hồ sơ cho cán bộ khác cùng cơ quan (supervisor, admin)",
            "operationId": "assignDossier", "security": secured, "parameters": [CODE_PARAM],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/AssignIn"}}}},
            "responses": {"200": _json("Assignment", "Đã phân công"), "400": _err("Nội dung sai"), **common,
                          "404": _err("Không có hồ sơ"), "422": _err("Không có cán bộ này trong cơ quan")}}},
        "/api/v1/reports/overdue": {"get": {
            "summary": "Báo cáo hồ sơ quá hạn (supervisor, admin)", "operationId": "overdueReport",
            "security": secured, "responses": {"200": _json("OverdueReport", "Hồ sơ quá hạn"), **common}}},
        "/api/v1/openapi.json": {"get": {"summary": "Tài liệu này", "operationId": "openapi", "security": [],
                                         "responses": {"200": {"description": "OpenAPI 3",
                                                               "content": {"application/json": {"schema": {"type": "object"}}}}}}},
    }
    for path, (name, summary, schema, status) in ACTION_ROUTES.items():
        op: dict[str, Any] = {
            "summary": summary, "operationId": f"action_{name}", "security": secured, "parameters": [CODE_PARAM],
            "responses": {str(status): _json("ActionResult", "Đã thực hiện; tin nhắn đã vào hàng đợi gửi"),
                          "400": _err("Nội dung sai"), **common, "404": _err("Không có hồ sơ"),
                          "409": _err("Trạng thái hồ sơ không cho phép (bad_status)"),
                          "422": _err("Giấy tờ không thuộc thủ tục, nội dung rỗng, ngày sai")}}
        if schema:
            op["requestBody"] = {"required": True, "content": {"application/json": {
                "schema": {"$ref": f"#/components/schemas/{schema}"}}}}
        full = f"/api/v1/dossiers/{{code}}/{path}"
        paths.setdefault(full, {})["post"] = op
    nullable_str = {"type": ["string", "null"]}
    schemas = {
        "Error": {"type": "object", "required": ["error", "message"],
                  "properties": {"error": {"type": "string", "description": "unauthenticated, invalid_token, "
                                           "bad_credentials, too_many_attempts, forbidden_role, not_found, "
                                           "bad_status, unknown_document, unknown_officer, empty, bad_date, invalid_body, "
                                           "malformed_json, bad_query, method_not_allowed, internal"},
                                 "message": {"type": "string"}}},
        "Credentials": {"type": "object", "required": ["username", "password"],
                        "properties": {"username": {"type": "string", "minLength": 1, "maxLength": 64},
                                       "password": {"type": "string", "maxLength": 1024}}},
        "Token": {"type": "object", "required": ["access_token", "token_type", "expires_in"],
                  "properties": {"access_token": {"type": "string"}, "token_type": {"type": "string", "enum": ["Bearer"]},
                                 "expires_in": {"type": "integer"}, "officer": {"type": "object"}}},
        "Me": {"type": "object", "properties": {"username": {"type": "string"}, "agency": {"type": "string"},
                                                "role": {"type": "string", "enum": list(auth.ROLES)},
                                                "can_act": {"type": "boolean"}}},
        "DossierSummary": {"type": "object", "required": ["code", "procedure", "status"], "properties": {
            "code": {"type": "string"}, "procedure": {"type": "string"}, "procedure_name": {"type": "string"},
            "status": {"type": "string", "enum": list(VISIBLE)}, "submitted_at": nullable_str,
            "due_date": nullable_str, "due_state": {"type": ["string", "null"], "enum": ["overdue", "due_soon", "on_time", None]},
            "assignee": nullable_str, "days_late": {"type": ["integer", "null"], "description": "calendar days"}}},
        "DossierList": {"type": "object", "required": ["items", "total", "counts"], "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/DossierSummary"}},
            "total": {"type": "integer"}, "overdue": {"type": "integer"},
            "counts": {"type": "object", "additionalProperties": {"type": "integer"}}}},
        "OverdueReport": {"type": "object", "properties": {
            "as_of": {"type": "string"}, "total": {"type": "integer"},
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/DossierSummary"}}}},
        "Message": {"type": "object", "required": ["id", "direction", "author", "text"], "properties": {
            "id": {"type": "integer"}, "direction": {"type": "string", "enum": ["in", "out"]},
            "author": {"type": "string", "enum": ["citizen", "bot", "officer"]}, "officer": nullable_str,
            "kind": {"type": "string"}, "text": {"type": "string"}, "at": nullable_str,
            "attachments": {"type": "array", "items": {"type": "object"}},
            "delivery": {"type": ["string", "null"], "enum": ["sending", "sent", "failed", "held", None],
                         "description": "outbound only: held = waiting until the citizen writes again"}}},
        "Thread": {"type": "object", "required": ["messages"], "properties": {
            "messages": {"type": "array", "items": {"$ref": "#/components/schemas/Message"}}}},
        "DossierDetail": {"type": "object", "required": ["code", "status", "documents", "audit"], "properties": {
            "code": {"type": "string"}, "procedure": {"type": "string"}, "procedure_name": {"type": "string"},
            "status": {"type": "string", "enum": list(VISIBLE)}, "fields": {"type": "object"},
            "submitted_at": nullable_str, "supplemented_at": nullable_str, "due_date": nullable_str,
            "due_state": {"type": ["string", "null"]}, "channel": nullable_str, "handled_by": nullable_str,
            "citizen_name": nullable_str,
            "assignee": nullable_str,
            "taken_over": {"type": "boolean"},
            "documents": {"type": "array", "items": {"type": "object", "properties": {
                "id": {"type": "integer"}, "document": {"type": "string"}, "name": {"type": "string"},
                "url": {"type": "string", "description": "signed link, valid 10 minutes, for this officer only"},
                "quality": {"type": "object"}, "reading": {"type": ["object", "null"]}}}},
            "required_documents": {"type": "array", "items": {"type": "object"}},
            "audit": {"type": "array", "items": {"type": "object"}}}},
        "SupplementRequest": {"type": "object", "required": ["items"], "properties": {
            "items": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["document", "reason"],
                                                                "properties": {"document": {"type": "string"},
                                                                               "reason": {"type": "string", "minLength": 1}}}},
            "note": {"type": "string"}}},
        "MessageIn": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string", "minLength": 1, "maxLength": 4000}}},
        "RejectIn": {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 4000}}},
        "NoteIn": {"type": "object", "properties": {"note": {"type": "string", "maxLength": 4000}}},
        "LateIn": {"type": "object", "required": ["reason", "new_date"], "properties": {
            "reason": {"type": "string", "minLength": 1, "maxLength": 4000}, "new_date": {"type": "string", "format": "date"}}},
        "AssignIn": {"type": "object", "required": ["officer"], "properties": {"officer": {"type": "string", "minLength": 1, "maxLength": 64}}},
        "Assignment": {"type": "object", "properties": {"code": {"type": "string"}, "assignee": {"type": "string"}}},
        "ActionResult": {"type": "object", "required": ["code"], "properties": {
            "code": {"type": "string"}, "status": {"type": ["string", "null"]},
            "message_id": {"type": ["integer", "null"], "description": "the officer's message in the citizen's thread"}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "MotCua officer API", "version": "1",
                 "description": "API cho cán bộ một cửa: hồ sơ của cơ quan mình, trả lời trong đúng cuộc trò chuyện "
                                "của người dân. Lỗi luôn là JSON {error, message}."},
        "servers": [{"url": server}],
        "paths": paths,
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}, "schemas": schemas},
    }


def setup(app: web.Application) -> None:
    """Register the API (JSON errors under /api/) and the console on `app`."""
    from handlers import officer

    app[THROTTLE] = auth.Throttle(app[RUNTIME].settings)
    app.middlewares.append(json_errors)
    app.add_routes(routes)
    app.add_routes(officer.routes)

    async def close_throttle(app: web.Application) -> None:
        await app[THROTTLE].close()

    app.on_cleanup.append(close_throttle)
