"""The console's sessions: who is signed in (signed cookie), CSRF on every form, and the login
and logout pages (login throttled like the API's token route, sharing its counter)."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from core.hub import RUNTIME
from handlers import auth, password_checks
from handlers.officer_render import ERRORS, TEXTS, forbidden, render

routes = web.RouteTableDef()


def secure(request: web.Request) -> bool:
    return request.app[RUNTIME].settings.public_base_url.startswith("https://")


async def current(request: web.Request) -> auth.Principal | None:
    rt = request.app[RUNTIME]
    return await auth.resolve(
        rt.db, rt.settings.secret_key, "session", request.cookies.get(auth.SESSION_COOKIE)
    )


async def require(request: web.Request) -> auth.Principal:
    who = await current(request)
    if who is None:
        nxt = request.path_qs if request.method == "GET" else "/officer"
        raise web.HTTPSeeOther("/officer/login?" + urlencode({"next": nxt}))
    return who


def csrf(request: web.Request, who: auth.Principal) -> str:
    return auth.csrf_token(request.app[RUNTIME].settings.secret_key, who.nonce)


async def form(request: web.Request, who: auth.Principal) -> Any:
    """The posted form, after the CSRF check (a missing or wrong token: 403)."""
    posted = await request.post()
    if not auth.csrf_ok(request.app[RUNTIME].settings.secret_key, who.nonce, posted.get("csrf")):
        raise forbidden("csrf")
    return posted


def safe_next(value: str | None) -> str:
    if value and value.startswith("/officer") and not value.startswith("//") and "\\" not in value:
        return value
    return "/officer"


@routes.get("/officer/login")
async def login_page(request: web.Request) -> web.Response:
    return _login_form(request)


def _login_form(
    request: web.Request, error: str | None = None, status: int = 200, username: str = ""
) -> web.Response:
    rt = request.app[RUNTIME]
    nonce = request.cookies.get(auth.LOGIN_COOKIE) or ""
    if len(nonce) < 16 or len(nonce) > 64:
        nonce = secrets.token_urlsafe(16)
    response = render(
        "login.html",
        tz=rt.settings.timezone,
        http_status=status,
        error=error,
        username=username,
        next=safe_next(request.query.get("next")),
        csrf=auth.csrf_token(rt.settings.secret_key, "login:" + nonce),
    )
    response.set_cookie(
        auth.LOGIN_COOKIE,
        nonce,
        max_age=3600,
        httponly=True,
        samesite="Strict",
        path="/officer",
        secure=secure(request),
    )
    return response


@routes.post("/officer/login")
async def login(request: web.Request) -> web.Response:
    rt = request.app[RUNTIME]
    posted = await request.post()
    nonce = request.cookies.get(auth.LOGIN_COOKIE) or ""
    if not auth.csrf_ok(rt.settings.secret_key, "login:" + nonce, posted.get("csrf")) or len(nonce) < 16:
        return _login_form(request, ERRORS["csrf"], status=403)
    username = str(posted.get("username", ""))[:64].strip()
    password = str(posted.get("password", ""))[:1024]
    th = request.app[auth.THROTTLE]
    ip = auth.client_ip(request, rt.settings.trusted_proxies)
    try:
        with password_checks.slot():  # a full queue: 503 before the throttle counts anything
            wait = await th.acquire(username, ip)  # counted before the password is checked (atomic)
            if wait:
                minutes = max(1, (wait + 59) // 60)
                response = _login_form(
                    request, TEXTS("login.throttled", minutes=minutes), status=429, username=username
                )
                response.headers["Retry-After"] = str(wait)
                return response
            officer = await auth.authenticate(rt.db, username, password) if username and password else None
    except password_checks.Busy:
        response = _login_form(request, TEXTS("login.busy"), status=503, username=username)
        response.headers["Retry-After"] = "5"
        return response
    if officer is None:  # the attempt stays counted
        return _login_form(request, TEXTS("login.bad_credentials"), status=401, username=username)
    await th.succeeded(username, ip)
    response = web.HTTPSeeOther(safe_next(str(posted.get("next", ""))))
    response.set_cookie(
        auth.SESSION_COOKIE,
        auth.new_session(rt.settings.secret_key, officer),
        max_age=auth.SESSION_TTL_S,
        httponly=True,
        samesite="Lax",
        path="/officer",
        secure=secure(request),
    )
    response.del_cookie(auth.LOGIN_COOKIE, path="/officer")
    raise response


@routes.post("/officer/logout")
async def logout(request: web.Request) -> web.Response:
    who = await require(request)
    await form(request, who)
    response = web.HTTPSeeOther("/officer/login")
    response.del_cookie(auth.SESSION_COOKIE, path="/officer")
    raise response
