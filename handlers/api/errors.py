"""The API's error shape: every error under /api/ is JSON {"error": CODE, "message": TEXT}, the
router's 404/405 and unexpected failures included; the dossier service's typed errors map here
to their HTTP status."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from aiohttp import web

from core.texts import Texts
from services.dossiers import DossierError, Forbidden

log = logging.getLogger(__name__)
TEXTS = Texts.load(Path(__file__).with_name("texts.yml"))

# the HTTP status of each service error code (any other code: 422)
STATUS = {
    "not_found": 404,
    "forbidden_role": 403,
    "bad_status": 409,
    "survey_not_ready": 409,
    "invalid_body": 400,
}
ROUTER_CODES = {404: "not_found", 405: "method_not_allowed", 413: "too_large"}


class ApiError(web.HTTPException):
    """An HTTP error with a JSON body {"error": code, "message": text}."""

    def __init__(
        self, status: int, code: str, message: str | None = None, headers: dict | None = None, **extra: Any
    ) -> None:
        self.status_code = status
        text = message if message is not None else TEXTS(f"errors.{code}")
        super().__init__(
            text=json.dumps({"error": code, "message": text, **extra}, ensure_ascii=False),
            content_type="application/json",
            headers=headers,
        )


def from_service(exc: DossierError) -> ApiError:
    if isinstance(exc, Forbidden):
        return ApiError(403, exc.code, TEXTS(f"forbidden.{exc.what}"))
    message = TEXTS.get("errors").get(exc.code) or str(exc)
    if exc.code == "invalid_body":
        message = TEXTS("errors.invalid_body", fields=str(exc))
    return ApiError(STATUS.get(exc.code, 422), exc.code, message)


@web.middleware
async def json_errors(request: web.Request, handler):
    """Under /api/: every error is JSON; the service's typed errors become their status."""
    if not request.path.startswith("/api/"):
        return await handler(request)
    try:
        return await handler(request)
    except ApiError:
        raise
    except DossierError as exc:
        raise from_service(exc) from None
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = ROUTER_CODES.get(exc.status, "http_error")
        raise ApiError(
            exc.status,
            code,
            exc.reason,
            headers={"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None,
        ) from None
    except Exception:
        log.exception("API error on %s %s", request.method, request.path)
        raise ApiError(500, "internal") from None
