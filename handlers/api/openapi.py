"""The API's OpenAPI 3.1 description, served at /api/v1/openapi.json: the hand-written part
(summaries, responses, response shapes) is data in openapi.yml; the request bodies are generated
from the pydantic models, and the enums come from the code, so nothing is written twice."""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

from aiohttp import web
from pydantic.json_schema import models_json_schema

from core.hub import RUNTIME
from core.texts import Texts
from handlers.api.bodies import REQUEST_MODELS
from handlers.api.routes import ACTION_ROUTES
from services.dossiers import MAX_PAGE, VISIBLE
from services.officers import ROLES

DOC = Texts.load(Path(__file__).with_name("openapi.yml"))
REF = "#/components/schemas/{model}"

routes = web.RouteTableDef()


@routes.get("/api/v1/openapi.json")
async def openapi(request: web.Request) -> web.Response:
    return web.json_response(openapi_spec(request.app[RUNTIME].settings.public_base_url))


def _content(schema: str | None) -> dict[str, Any]:
    ref = {"$ref": REF.format(model=schema)} if schema else {"type": "object"}
    return {"application/json": {"schema": ref}}


def _responses(spec: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for status, value in spec.items():
        schema, description = value if isinstance(value, list) else ("Error", value)
        out[status] = {"description": description, "content": _content(schema)}
    return out


def _operation(spec: dict[str, Any]) -> dict[str, Any]:
    op = {k: v for k, v in spec.items() if k not in {"body", "code", "responses", "parameters"}}
    op.setdefault("security", [{"bearer": []}])
    parameters = ([DOC.get("code_param")] if spec.get("code") else []) + list(spec.get("parameters", []))
    if parameters:
        op["parameters"] = parameters
    if spec.get("body"):
        op["requestBody"] = {"required": True, "content": _content(spec["body"])}
    op["responses"] = _responses(spec["responses"])
    return op


def _actions() -> dict[str, Any]:
    summaries, said = DOC.get("actions"), DOC.get("action_responses")
    errors = DOC.get("errors")
    paths: dict[str, Any] = {}
    for path, (name, model, status) in ACTION_ROUTES.items():
        responses = {
            str(status): ["ActionResult", said["done"]],
            "400": errors["bad_body"],
            "401": errors["unauthenticated"],
            "403": errors["forbidden"],
            "404": said["404"],
            "409": said["409"],
            "422": said["422"],
        }
        spec = {
            "summary": summaries[path],
            "operationId": f"action_{name}",
            "code": True,
            "body": model.__name__ if model else None,
            "responses": responses,
        }
        paths[f"/api/v1/dossiers/{{code}}/{path}"] = {"post": _operation(spec)}
    return paths


def _schemas() -> dict[str, Any]:
    schemas = copy.deepcopy(DOC.get("schemas"))
    _, generated = models_json_schema([(m, "validation") for m in REQUEST_MODELS], ref_template=REF)
    schemas.update(generated["$defs"])
    statuses = [str(s) for s in VISIBLE]
    for name in ("DossierSummary", "DossierDetail"):
        schemas[name]["properties"]["status"]["enum"] = statuses
    schemas["Me"]["properties"]["role"]["enum"] = list(ROLES)
    return schemas


@functools.lru_cache(maxsize=4)
def _spec(server: str) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for path, ops in DOC.get("paths").items():
        paths[path] = {method: _operation(spec) for method, spec in ops.items()}
    listing = paths["/api/v1/dossiers"]["get"]["parameters"]
    for p in listing:
        if p["name"] == "status":
            p["schema"]["enum"] = [str(s) for s in VISIBLE]
        if p["name"] == "limit":
            p["schema"]["maximum"] = MAX_PAGE
    for path, ops in _actions().items():
        paths.setdefault(path, {}).update(ops)
    return {
        "openapi": "3.1.0",
        "info": dict(DOC.get("info")),
        "servers": [{"url": server}],
        "paths": paths,
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": _schemas(),
        },
    }


def openapi_spec(server: str = "/") -> dict[str, Any]:
    return copy.deepcopy(_spec(server))
