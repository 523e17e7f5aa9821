"""Property-based run of the API against its own OpenAPI description (schemathesis + Hypothesis):
whatever the generated requests, with a valid token of every role (officer, supervisor, analyst,
admin) and without one, no answer is a 5xx and every error is JSON. A real server process (SQLite, in-process queue) with one filed dossier; half the
generated requests aim at that dossier's code so the actions run for real."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import urllib.request

import hypothesis
import hypothesis.errors
import pytest
import schemathesis
from officer_kit import seed_dossier
from support import served

PASSWORD = "mat-khau-schemathesis-1"
ROLE_USERS = {"officer": "lan", "supervisor": "hoa", "analyst": "minh", "admin": "tuan"}
STATS: dict[str, int] = {}
COUNTER = itertools.count()
EXAMPLES = int(os.environ.get("MOTCUA_SCHEMATHESIS_EXAMPLES", "25"))


class _Rt:
    def __init__(self, db) -> None:
        self.db = db


async def _seed(url: str) -> list[str]:
    from core.db import Database

    db = Database(url)
    try:
        return [await seed_dossier(_Rt(db)) for _ in range(3)]
    finally:
        await db.close()


@pytest.fixture(scope="module")
def api_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("schemathesis")
    codes: list[str] = []
    with served(
        tmp,
        officers=tuple((name, "DEMO", role, PASSWORD) for role, name in ROLE_USERS.items()),
        before_start=lambda url: codes.extend(asyncio.run(_seed(url))),
    ) as base:
        tokens = []
        for name in ROLE_USERS.values():
            req = urllib.request.Request(
                base + "/api/v1/auth/token",
                method="POST",
                data=json.dumps({"username": name, "password": PASSWORD}).encode(),
                headers={"Content-Type": "application/json"},
            )
            tokens.append(json.loads(urllib.request.urlopen(req, timeout=10).read())["access_token"])
        yield base, tokens, codes
    server_log = (tmp / "server.log").read_text(errors="replace")
    assert "Traceback" not in server_log, server_log[-4000:]


def _check(case, tokens: list[str], codes: list[str]) -> None:
    i = next(COUNTER)
    if "code" in (case.path_parameters or {}) and i % 3:
        case.path_parameters["code"] = codes[i % len(codes)]
    role = i % len(tokens)  # every role in turn
    headers = {} if i % 7 == 6 else {"Authorization": f"Bearer {tokens[role]}"}
    response = case.call(headers=headers, timeout=10)
    who = "none" if not headers else list(ROLE_USERS)[role]
    key = f"{case.method} {case.path} {who} {response.status_code}"
    STATS[key] = STATS.get(key, 0) + 1
    assert response.status_code < 500, (
        case.method,
        case.formatted_path,
        response.status_code,
        response.text[:500],
    )
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body.get("error"), str) and isinstance(body.get("message"), str), response.text[
            :300
        ]


def test_no_server_error_whatever_the_request(api_server):
    """(schemathesis' own pytest plugin does not run under pytest 9: the operations are walked here,
    each with Hypothesis' @given over the operation's case strategy.)"""
    base, tokens, codes = api_server
    schema = schemathesis.openapi.from_url(base + "/api/v1/openapi.json")
    ran = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in schemathesis.GenerationMode:  # valid requests, then requests that break the schema
            try:
                strategy = operation.as_strategy(generation_mode=mode)
            except Exception:  # an operation with nothing to break (no parameters, no body)
                continue

            @hypothesis.settings(
                max_examples=EXAMPLES,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(hypothesis.HealthCheck),
            )
            @hypothesis.given(case=strategy)
            def run(case):
                _check(case, tokens, codes)

            try:
                run()
            except hypothesis.errors.Unsatisfiable:
                continue
            ran.append(f"{operation.label} ({mode.value})")
    assert len(ran) >= 25, ran
    for role in [*ROLE_USERS, "none"]:  # each role's token was really exercised
        assert any(f" {role} " in key for key in STATS), role
    print(
        "\nschemathesis:", sum(STATS.values()), "requests;", json.dumps(dict(sorted(STATS.items())), indent=0)
    )
