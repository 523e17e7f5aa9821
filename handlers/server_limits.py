"""Server-side limits against slow and piled-up requests (slowloris), installed by bot/app.py.

- A request head (request line and headers) must arrive within HTTP_HEADER_TIMEOUT_S of the
  connection opening or of the previous response: aiohttp's keep-alive timer closes an idle
  connection, and a connection whose head is still incomplete is idle (`bot/__main__.py` passes
  the setting as `keepalive_timeout`).
- A request body must be complete within HTTP_BODY_TIMEOUT_S of the head: otherwise the handler
  is stopped and the answer is 408 with the connection closed. A request answered before its body
  was read (a missing signature, a login redirect) closes the connection too.
- At most HTTP_MAX_BODIES_PER_CLIENT requests with a body are in progress per client address
  (the address as handlers/auth.client_ip sees it, TRUSTED_PROXIES included); more are answered
  503 at once.
- On the public routes (PUBLIC_PREFIXES: the web chat and its uploads, the media links) at most
  HTTP_MAX_REQUESTS_PER_CLIENT requests of any method are in progress per client address (a
  stranger holding open hundreds of long polls or uploads): more are answered 503 with
  Retry-After and the connection closed, before the handler runs. Platform webhooks are not under
  this cap: every citizen's message comes from the platform's few addresses, a burst of them is
  normal, and each is signed (an unsigned one is refused before its body is read).

Both caps are per web process (a request lives in one process; with N processes an address gets
N times the cap) and per request, not per TCP connection: behind a reverse proxy every connection
comes from the proxy, so connections per client address are the proxy's to cap (SECURITY.md shows
nginx's `limit_conn`); idle connections are bounded by the head timeout. The reverse proxy should
enforce the same; these hold when it does not.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from aiohttp import web

from handlers.auth import client_ip

BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
PUBLIC_PREFIXES = ("/webchat/", "/chat", "/media/")  # not /webhooks/: see above


def _busy() -> web.Response:
    response = web.Response(status=503, text="busy", headers={"Retry-After": "5"})
    response.force_close()
    return response


def install(app: web.Application, settings) -> None:
    in_progress: Counter[str] = Counter()
    public: Counter[str] = Counter()
    body_timeout = float(settings.http_body_timeout_s)
    per_client = int(settings.http_max_bodies_per_client)
    public_per_client = int(settings.http_max_requests_per_client)

    @web.middleware
    async def public_cap(request: web.Request, handler):
        if public_per_client <= 0 or not request.path.startswith(PUBLIC_PREFIXES):
            return await handler(request)
        ip = client_ip(request, settings.trusted_proxies)
        if public[ip] >= public_per_client:  # checked and counted without an await: atomic
            return _busy()
        public[ip] += 1
        try:
            return await handler(request)
        finally:
            public[ip] -= 1
            if public[ip] <= 0:
                del public[ip]

    @web.middleware
    async def limits(request: web.Request, handler):
        if request.method not in BODY_METHODS or request.content.is_eof():
            return await handler(request)
        ip = client_ip(request, settings.trusted_proxies)
        if per_client > 0 and in_progress[ip] >= per_client:
            return _busy()
        in_progress[ip] += 1
        loop = asyncio.get_running_loop()
        task = asyncio.ensure_future(handler(request))
        timed_out = False

        def check() -> None:
            nonlocal timed_out
            if not task.done() and not request.content.is_eof():
                timed_out = True
                task.cancel()

        timer = loop.call_later(body_timeout, check)
        try:
            response = await task
            _close_if_unread(request, response)
            return response
        except web.HTTPException as exc:  # answered before the body was read (401, 303, ...)
            _close_if_unread(request, exc)
            raise
        except asyncio.CancelledError:
            if not timed_out:
                raise
            response = web.Response(status=408, text="request body too slow")
            response.force_close()
            return response
        finally:
            timer.cancel()
            in_progress[ip] -= 1
            if in_progress[ip] <= 0:
                del in_progress[ip]

    app.middlewares.append(public_cap)
    app.middlewares.append(limits)


def _close_if_unread(request: web.Request, response: web.StreamResponse) -> None:
    """An answer given before the body was read closes the connection: no lingering read of
    a slow body after the answer (aiohttp's default waits up to 10 s for it)."""
    if not request.content.is_eof():
        response.force_close()
