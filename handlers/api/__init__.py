"""The officers' JSON API (v1) and its OpenAPI 3 description, a thin adapter over the dossier
service (services/dossiers.py and its neighbours), like the console (handlers/officer.py).

Authentication: `POST /api/v1/auth/token {username, password}` returns a signed bearer token
(one hour). Every other route needs `Authorization: Bearer …`. An officer sees only dossiers of
their own agency (another agency's dossier answers 404, as if it did not exist); analysts see the
queue without personal data and cannot act. Errors are JSON: `{"error": CODE, "message": TEXT}`.

    errors.py    the JSON error shape, the service errors' HTTP statuses, the /api/ middleware
    security.py  the bearer token
    bodies.py    request bodies (pydantic models) and query parameters
    routes.py    the routes
    analytics.py GET /api/v1/metrics (the analytics summary)
    inbox_routes.py  the conversation inbox and search
    openapi.py   the served description (openapi.yml + the models' schemas)
"""

from __future__ import annotations

from aiohttp import web

from core.hub import RUNTIME
from handlers import auth
from handlers.api import analytics, inbox_routes, openapi, routes
from handlers.api.errors import json_errors


def setup(app: web.Application) -> None:
    """Register the API (JSON errors under /api/); the console is mounted beside it by the app."""
    auth.install_throttle(app, app[RUNTIME].settings)
    app.middlewares.append(json_errors)
    app.add_routes(routes.routes)
    app.add_routes(analytics.routes)
    app.add_routes(inbox_routes.routes)
    app.add_routes(openapi.routes)
