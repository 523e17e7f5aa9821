"""The officer console: server-rendered pages (Jinja2, autoescaped) under /officer.

Sessions are signed cookies (bot/auth.py); every form carries a CSRF token derived from the
session (the login form: from a pre-login cookie). Pages show only the officer's agency's
dossiers; analysts see the queue without personal data and cannot open a dossier or act.
Photos are served through signed, expiring links that are also checked against the viewer.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import jinja2
from aiohttp import web
from sqlalchemy import select

from handlers import auth
from core.db import Dossier, DossierDocument, MessageLog
from core.hub import RUNTIME
from handlers import api

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
TEMPLATES = HERE / "templates"

ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                         trim_blocks=True, lstrip_blocks=True)

STATUS_LABELS = {
    "draft": "Nháp", "submitted": "Mới nộp", "in_review": "Đang xem xét", "needs_supplement": "Chờ bổ sung",
    "accepted": "Đã tiếp nhận", "rejected": "Đã từ chối", "result_ready": "Có kết quả", "completed": "Đã trả kết quả",
}
DELIVERY_LABELS = {"sending": "Đang gửi", "sent": "Đã gửi", "failed": "Gửi lỗi",
                   "held": "Chờ người dân nhắn lại mới gửi được"}
AUTHOR_LABELS = {"citizen": "Người dân", "bot": "Trợ lý ảo", "officer": "Cán bộ"}
DUE_LABELS = {"overdue": "Quá hạn", "due_soon": "Sắp đến hạn", "on_time": "Trong hạn"}
FIELD_LABELS = {
    "id_number": "Số định danh", "old_id_number": "Số CMND cũ", "full_name": "Họ và tên",
    "date_of_birth": "Ngày sinh", "sex": "Giới tính", "nationality": "Quốc tịch", "place_of_origin": "Quê quán",
    "place_of_residence": "Nơi thường trú", "date_of_issue": "Ngày cấp", "date_of_expiry": "Có giá trị đến",
}
SOURCE_LABELS = {"qr": "mã QR", "mrz": "vùng MRZ", "ocr": "nhận dạng chữ (OCR)"}
ACTION_LABELS = {
    "submitted": "Người dân nộp hồ sơ", "review_started": "Bắt đầu xem xét", "supplement_requested": "Yêu cầu bổ sung",
    "supplemented": "Người dân đã bổ sung", "accepted": "Tiếp nhận (Mẫu 01)", "rejected": "Từ chối (Mẫu 03)",
    "result_ready": "Báo có kết quả", "completed": "Đã trả kết quả", "late_apology": "Xin lỗi trễ hẹn (Mẫu 04)",
    "officer_message": "Cán bộ nhắn",
    "take_over": "Cán bộ nhận trò chuyện", "hand_back": "Trả lại cho bot", "assigned": "Phân công",
}
PROBLEM_LABELS = {
    "blurry": "mờ", "too_dark": "tối", "too_bright": "chói sáng", "glare": "lóa", "cropped": "bị cắt mép",
    "not_document": "không phải giấy tờ", "too_small": "quá nhỏ", "too_large": "quá lớn",
    "unreadable_file": "không đọc được tệp", "not_image": "không phải ảnh", "unsupported_format": "định dạng không hỗ trợ",
}
FLASH = {
    "supplement": "Đã gửi yêu cầu bổ sung (Mẫu 02) vào cuộc trò chuyện của người dân.",
    "message": "Đã gửi tin nhắn.", "accept": "Đã tiếp nhận hồ sơ và gửi giấy hẹn (Mẫu 01).",
    "reject": "Đã từ chối hồ sơ (Mẫu 03).", "result_ready": "Đã báo có kết quả.",
    "complete": "Đã ghi nhận trả kết quả; hồ sơ hoàn thành.",
    "late": "Đã gửi thư xin lỗi và hẹn lại ngày (Mẫu 04).", "take_over": "Bạn đang trực tiếp trò chuyện; bot tạm dừng.",
    "hand_back": "Đã trả trò chuyện lại cho bot.", "assign": "Đã phân công lại hồ sơ.",
}
ERRORS = {
    "bad_status": "Trạng thái hồ sơ hiện tại không cho phép thao tác này.",
    "unknown_document": "Giấy tờ không thuộc thủ tục này.", "empty": "Vui lòng nhập đủ nội dung (lý do, tin nhắn).",
    "bad_date": "Ngày hẹn mới phải sau hôm nay.", "invalid_body": "Dữ liệu nhập chưa đúng.",
    "forbidden_role": "Vai trò của bạn không được thực hiện thao tác này.", "not_found": "Không tìm thấy hồ sơ.",
    "csrf": "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ; vui lòng thử lại.",
    "no_documents": "Hãy chọn ít nhất một giấy tờ cần bổ sung, kèm lý do.",
    "unknown_officer": "Không có cán bộ này trong cơ quan.",
}
FORM_ACTIONS = {"supplement": "supplement", "message": "message", "accept": "accept", "reject": "reject",
                "result-ready": "result_ready", "complete": "complete", "late": "late", "take-over": "take_over", "hand-back": "hand_back"}

def local_time(value: str | None, tz: str = "Asia/Ho_Chi_Minh") -> str:
    """An ISO timestamp as the office reads it: local time, "dd/mm/yyyy HH:MM"."""
    if not value:
        return ""
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(ZoneInfo(tz)).strftime("%d/%m/%Y %H:%M")


def short(value: Any, limit: int = 300) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def vn_date(value: str | None) -> str:
    try:
        return dt.date.fromisoformat(value).strftime("%d/%m/%Y") if value else ""
    except ValueError:
        return value or ""


ENV.filters["local"] = local_time
ENV.filters["vndate"] = vn_date
ENV.filters["short"] = short

CSP = ("default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

routes = web.RouteTableDef()


def _render(name: str, http_status: int = 200, tz: str = "Asia/Ho_Chi_Minh", **context: Any) -> web.Response:
    context.setdefault("who", None)
    context.setdefault("csrf", "")
    html = ENV.get_template(name).render(
        status_labels=STATUS_LABELS, delivery_labels=DELIVERY_LABELS, author_labels=AUTHOR_LABELS,
        due_labels=DUE_LABELS, field_labels=FIELD_LABELS, source_labels=SOURCE_LABELS,
        action_labels=ACTION_LABELS, problem_labels=PROBLEM_LABELS, tz=tz, **context)
    return web.Response(text=html, status=http_status, content_type="text/html", charset="utf-8", headers=_headers())


def _headers() -> dict[str, str]:
    return {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
            "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


def _secure(request: web.Request) -> bool:
    return request.app[RUNTIME].settings.public_base_url.startswith("https://")


async def current(request: web.Request) -> auth.Principal | None:
    rt = request.app[RUNTIME]
    return await auth.resolve(rt.db, rt.settings.secret_key, "session", request.cookies.get(auth.SESSION_COOKIE))


async def require(request: web.Request) -> auth.Principal:
    who = await current(request)
    if who is None:
        nxt = request.path_qs if request.method == "GET" else "/officer"
        raise web.HTTPSeeOther("/officer/login?" + urlencode({"next": nxt}))
    return who


def _csrf(request: web.Request, who: auth.Principal) -> str:
    return auth.csrf_token(request.app[RUNTIME].settings.secret_key, who.nonce)


async def _form(request: web.Request, who: auth.Principal) -> dict[str, Any]:
    """The posted form, after the CSRF check (a missing or wrong token: 403)."""
    form = await request.post()
    if not auth.csrf_ok(request.app[RUNTIME].settings.secret_key, who.nonce, form.get("csrf")):
        raise _forbidden("csrf")
    return form


def _forbidden(code: str) -> web.HTTPForbidden:
    html = ENV.get_template("error.html").render(message=ERRORS.get(code, code), who=None, csrf="")
    return web.HTTPForbidden(text=html, content_type="text/html", headers=_headers())


def _not_found() -> web.HTTPNotFound:
    html = ENV.get_template("error.html").render(message=ERRORS["not_found"], who=None, csrf="")
    return web.HTTPNotFound(text=html, content_type="text/html", headers=_headers())


def _safe_next(value: str | None) -> str:
    if value and value.startswith("/officer") and not value.startswith("//") and "\\" not in value:
        return value
    return "/officer"


# ---- login ---------------------------------------------------------------------------------------
@routes.get("/officer/login")
async def login_page(request: web.Request) -> web.Response:
    return _login_form(request)


def _login_form(request: web.Request, error: str | None = None, status: int = 200,
                username: str = "") -> web.Response:
    rt = request.app[RUNTIME]
    nonce = request.cookies.get(auth.LOGIN_COOKIE) or ""
    if len(nonce) < 16 or len(nonce) > 64:
        nonce = secrets.token_urlsafe(16)
    response = _render("login.html", tz=rt.settings.timezone, http_status=status, error=error, username=username,
                       next=_safe_next(request.query.get("next")),
                       csrf=auth.csrf_token(rt.settings.secret_key, "login:" + nonce))
    response.set_cookie(auth.LOGIN_COOKIE, nonce, max_age=3600, httponly=True, samesite="Strict",
                        path="/officer", secure=_secure(request))
    return response


@routes.post("/officer/login")
async def login(request: web.Request) -> web.Response:
    rt = request.app[RUNTIME]
    form = await request.post()
    nonce = request.cookies.get(auth.LOGIN_COOKIE) or ""
    if not auth.csrf_ok(rt.settings.secret_key, "login:" + nonce, form.get("csrf")) or len(nonce) < 16:
        return _login_form(request, ERRORS["csrf"], status=403)
    username = str(form.get("username", ""))[:64].strip()
    password = str(form.get("password", ""))[:1024]
    th = api.throttle(request.app)
    ip = auth.client_ip(request, rt.settings.trusted_proxies)
    wait = await th.retry_after(username, ip)
    if wait:
        minutes = max(1, (wait + 59) // 60)
        response = _login_form(request, f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút.",
                               status=429, username=username)
        response.headers["Retry-After"] = str(wait)
        return response
    officer = await auth.authenticate(rt.db, username, password) if username and password else None
    if officer is None:
        await th.failed(username, ip)
        return _login_form(request, "Sai tên đăng nhập hoặc mật khẩu.", status=401, username=username)
    await th.succeeded(username, ip)
    response = web.HTTPSeeOther(_safe_next(str(form.get("next", ""))))
    response.set_cookie(auth.SESSION_COOKIE, auth.new_session(rt.settings.secret_key, officer),
                        max_age=auth.SESSION_TTL_S, httponly=True, samesite="Lax", path="/officer",
                        secure=_secure(request))
    response.del_cookie(auth.LOGIN_COOKIE, path="/officer")
    raise response


@routes.post("/officer/logout")
async def logout(request: web.Request) -> web.Response:
    who = await require(request)
    await _form(request, who)
    response = web.HTTPSeeOther("/officer/login")
    response.del_cookie(auth.SESSION_COOKIE, path="/officer")
    raise response


# ---- queue -----------------------------------------------------------------------------------------
@routes.get("/officer")
async def queue(request: web.Request) -> web.Response:
    who = await require(request)
    rt = request.app[RUNTIME]
    status = request.query.get("status") or None
    if status not in api.VISIBLE:
        status = None
    procedure = request.query.get("procedure") or None
    if procedure not in rt.engine.catalog:
        procedure = None
    due = request.query.get("due") or None
    if due not in ("soon", "overdue"):
        due = None
    mine = request.query.get("mine") == "1"
    result = await api.list_dossiers(rt, who, status=status, procedure=procedure, overdue=due == "overdue",
                                     due_soon=due == "soon", mine=mine, limit=api.MAX_PAGE)
    procedures = [(p.key, p.name) for p in rt.engine.catalog.values()]
    return _render("queue.html", tz=rt.settings.timezone, who=who, csrf=_csrf(request, who), result=result, status=status,
                   procedure=procedure, due=due, mine=mine, procedures=procedures, statuses=api.VISIBLE)


# ---- dossier ---------------------------------------------------------------------------------------
async def _dossier_for(request: web.Request, who: auth.Principal) -> Dossier:
    d = await api.find_dossier(request.app[RUNTIME], who, request.match_info["code"])
    if d is None:
        raise _not_found()
    if not who.can_read_personal:
        raise _forbidden("forbidden_role")
    return d


def _supplement_rows(detail: dict[str, Any]) -> list[dict[str, Any]]:
    """Every document of the procedure, ticked (with a reason) when missing or received with a
    quality warning: the officer reviews and sends them all in one notice."""
    flagged = {doc["document"] for doc in detail["documents"] if doc["quality"]["accepted_with_warning"]}
    rows = []
    for item in detail["required_documents"]:
        reason = ""
        if not item["received"] and item["required"] and not item["condition"]:
            reason = "Hồ sơ chưa có giấy tờ này."
        elif item["key"] in flagged:
            reason = "Ảnh chụp chưa rõ; vui lòng chụp lại rõ nét, đủ bốn góc."
        rows.append({**item, "tick": bool(reason), "reason": reason})
    return rows


@routes.get("/officer/dossiers/{code}")
async def dossier_page(request: web.Request) -> web.Response:
    who = await require(request)
    rt = request.app[RUNTIME]
    d = await _dossier_for(request, who)
    if d.status == "submitted" and who.can_act:
        from services import actions

        try:
            await actions.start_review(rt, d.code, who.id)
            d = await api.find_dossier(rt, who, d.code) or d
        except actions.ActionError:
            pass
    if who.role == "officer":
        await api.assign(rt, who, d)
    detail = await api.dossier_detail(rt, who, d)
    messages = await api.thread(rt, who, d.conversation_id)
    proc = rt.engine.catalog.get(d.procedure)
    field_labels = {f.key: f.label for f in proc.fields} if proc else {}
    ok = request.query.get("ok")
    err = request.query.get("err")
    tomorrow = api.local_today(rt.settings) + dt.timedelta(days=1)
    return _render("dossier.html", tz=rt.settings.timezone, who=who, csrf=_csrf(request, who), d=detail, messages=messages,
                   form_labels=field_labels, supplement_rows=_supplement_rows(detail),
                   flash=FLASH.get(ok or ""), error=ERRORS.get(err or ""),
                   last_id=messages[-1]["id"] if messages else 0, min_date=tomorrow.isoformat(),
                   colleagues=await api.agency_officers(rt, who) if who.supervises else [])


@routes.get("/officer/dossiers/{code}/thread")
async def thread_json(request: web.Request) -> web.Response:
    """What the open dossier page polls: messages after `after` and the delivery state of recent
    outbound messages (JSON; the page renders it as text, never as HTML)."""
    who = await current(request)
    if who is None:
        return web.json_response({"error": "unauthenticated"}, status=401)
    rt = request.app[RUNTIME]
    d = await api.find_dossier(rt, who, request.match_info["code"])
    if d is None or not who.can_read_personal:
        return web.json_response({"error": "not_found"}, status=404)
    try:
        after = max(0, int(request.query.get("after", "0")))
    except ValueError:
        return web.json_response({"error": "bad_query"}, status=400)
    messages = await api.thread(rt, who, d.conversation_id, after)
    recent = await api.thread(rt, who, d.conversation_id, 0) if after else messages
    delivery = {str(m["id"]): m["delivery"] for m in recent[-200:] if m["delivery"]}
    for m in messages:
        m["at_local"] = local_time(m["at"], rt.settings.timezone)
        m["author_label"] = AUTHOR_LABELS.get(m["author"], m["author"])
        m["delivery_label"] = DELIVERY_LABELS.get(m["delivery"] or "", "")
    return web.json_response({"messages": messages, "delivery": delivery,
                              "delivery_labels": DELIVERY_LABELS, "status": d.status,
                              "status_label": STATUS_LABELS.get(d.status, d.status)},
                             headers={"Cache-Control": "no-store"})


@routes.post("/officer/dossiers/{code}/{action}")
async def act(request: web.Request) -> web.Response:
    who = await require(request)
    name = FORM_ACTIONS.get(request.match_info["action"])
    code = request.match_info["code"]
    if name is None and request.match_info["action"] != "assign":
        raise _not_found()
    form = await _form(request, who)
    rt = request.app[RUNTIME]
    if await api.find_dossier(rt, who, code) is None:
        raise _not_found()
    if not who.can_act:
        raise _forbidden("forbidden_role")
    if name is None:  # assign: supervisors only
        if not who.supervises:
            raise _forbidden("forbidden_role")
        try:
            await api.assign(rt, who, await api.find_dossier(rt, who, code), str(form.get("officer", "")).strip())
        except api.ApiError as exc:
            raise web.HTTPSeeOther(f"/officer/dossiers/{code}?{urlencode({'err': json.loads(exc.text)['error']})}")
        raise web.HTTPSeeOther(f"/officer/dossiers/{code}?ok=assign")
    body: dict[str, Any] = {}
    if name == "supplement":
        docs = [str(k) for k in form.getall("doc", [])]
        body["items"] = [{"document": k, "reason": str(form.get(f"reason:{k}", "")).strip()} for k in docs]
        body["note"] = str(form.get("note", ""))
        if not docs:
            raise web.HTTPSeeOther(f"/officer/dossiers/{code}?err=no_documents#supplement")
    elif name == "message":
        body["text"] = str(form.get("text", ""))
    elif name == "reject":
        body["reason"] = str(form.get("reason", ""))
    elif name in ("result_ready", "complete"):
        body["note"] = str(form.get("note", ""))
    elif name == "late":
        body["reason"] = str(form.get("reason", ""))
        body["new_date"] = str(form.get("new_date", ""))
    try:
        await api.run_action(rt, who, code, name, body)
    except api.ApiError as exc:
        err = json.loads(exc.text or "{}").get("error", "invalid_body")
        raise web.HTTPSeeOther(f"/officer/dossiers/{code}?{urlencode({'err': err})}")
    raise web.HTTPSeeOther(f"/officer/dossiers/{code}?ok={name}#thread")


# ---- media and static ------------------------------------------------------------------------------
@routes.get("/officer/media/{ref}")
async def media(request: web.Request) -> web.StreamResponse:
    """A dossier photo (d{id}) or a thread attachment (m{message}.{i}): the link must be signed
    for this viewer and unexpired, and the viewer must still be allowed to see it."""
    rt = request.app[RUNTIME]
    who = await current(request)
    if who is None and request.headers.get("Authorization"):
        try:
            who = await api.bearer(request)
        except api.ApiError:
            who = None
    ref = request.match_info["ref"]
    if who is None or not who.can_read_personal or not auth.media_ok(
            rt.settings.secret_key, ref, who.id, request.query.get("exp"), request.query.get("sig")):
        raise web.HTTPForbidden()
    path = None
    async with rt.db.session() as s:
        if ref.startswith("d") and ref[1:].isdigit():
            row = (await s.execute(select(DossierDocument.file_path, Dossier.agency)
                                   .join(Dossier, Dossier.id == DossierDocument.dossier_id)
                                   .where(DossierDocument.id == int(ref[1:])))).first()
            if row and row.agency == who.agency:
                path = row.file_path
        elif ref.startswith("m") and "." in ref:
            mid, _, idx = ref[1:].partition(".")
            if mid.isdigit() and idx.isdigit():
                msg = await s.get(MessageLog, int(mid))
                if msg is not None:
                    agencies = set((await s.execute(select(Dossier.agency).where(
                        Dossier.conversation_id == msg.conversation_id))).scalars())
                    atts = msg.attachments or []
                    if who.agency in agencies and int(idx) < len(atts):
                        path = atts[int(idx)].get("path")
    if not path:
        raise web.HTTPNotFound()
    try:
        full = rt.media.full_path(path)
    except ValueError:
        raise web.HTTPNotFound()
    if not full.is_file():
        raise web.HTTPNotFound()
    return web.FileResponse(full, headers={
        "Content-Type": rt.media.content_type(path),
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox"})


@routes.get("/officer/static/{name}")
async def static(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    path = STATIC / name
    if "/" in name or name.startswith(".") or not name.startswith("officer.") or not path.is_file():
        raise web.HTTPNotFound()
    return web.FileResponse(path, headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})
