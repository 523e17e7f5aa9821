"""Who is asking the API: the officer of a valid bearer token, or a 401 in the API's shape."""

from __future__ import annotations

from aiohttp import web

from core.hub import RUNTIME
from handlers import auth
from handlers.api.errors import ApiError


async def bearer(request: web.Request) -> auth.Principal:
    token = auth.bearer_token(request)
    if token is None:
        raise ApiError(401, "unauthenticated", headers={"WWW-Authenticate": "Bearer"})
    rt = request.app[RUNTIME]
    who = await auth.resolve(rt.db, rt.settings.secret_key, "api", token)
    if who is None:
        raise ApiError(401, "invalid_token", headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
    return who
