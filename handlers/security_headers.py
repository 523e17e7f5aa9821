"""Security headers on every response (installed once on the app by bot/app.py).

Pages may set stricter values of their own (the console's templates, stored files); these are
defaults filled in where a response has none:

- Content-Security-Policy: scripts and styles from this origin only (no inline script anywhere:
  the web chat and the console load static files), no framing (`frame-ancestors 'none'`), no
  plugins, forms posting to this origin only;
- X-Content-Type-Options: nosniff; Referrer-Policy: same-origin; X-Frame-Options: DENY for old
  browsers; Strict-Transport-Security when PUBLIC_BASE_URL is https.
"""

from __future__ import annotations

from aiohttp import web

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
HSTS = "max-age=31536000"


def install(app: web.Application, public_base_url: str) -> None:
    https = public_base_url.startswith("https://")

    async def add(request: web.Request, response: web.StreamResponse) -> None:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if https:
            response.headers.setdefault("Strict-Transport-Security", HSTS)

    app.on_response_prepare.append(add)
