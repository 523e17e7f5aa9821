"""Property-based run of the API against its own OpenAPI description (schemathesis + Hypothesis):
whatever the generated requests, with and without a valid token, no answer is a 5xx and every
error is JSON. A real server process (SQLite, in-process queue) with one filed dossier; half the
generated requests aim at that dossier's code so the actions run for real."""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import hypothesis
import hypothesis.errors
import pytest
import schemathesis

from officer_kit import seed_dossier

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "mat-khau-schemathesis-1"
STATS: dict[str, int] = {}
COUNTER = itertools.count()
EXAMPLES = int(os.environ.get("MOTCUA_SCHEMATHESIS_EXAMPLES", "25"))


class _Rt:
    def __init__(self, db) -> None:
        self.db = db


async def _seed(url: str) -> list[str]:
    from bot.db import Database

    db = Database(url)
    try:
        return [await seed_dossier(_Rt(db)) for _ in range(3)]
    finally:
        await db.close()


@pytest.fixture(scope="module")
def api_server(tmp_path_factory):
    from test_officer_browser import _free_port

    tmp = tmp_path_factory.mktemp("schemathesis")
    port = _free_port()
    db_url = f"sqlite+aiosqlite:///{tmp}/motcua.db"
    env = dict(os.environ, DATABASE_URL=db_url, REDIS_URL="", MEDIA_DIR=str(tmp / "media"), VAR_DIR=str(tmp / "var"),
               LOG_LEVEL="WARNING", PUBLIC_BASE_URL=f"http://127.0.0.1:{port}")
    subprocess.run([sys.executable, "-m", "bot", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "bot", "officer", "add", "--username", "lan", "--agency", "DEMO",
                    "--role", "officer"], cwd=ROOT, env=env, check=True, capture_output=True,
                   input=(PASSWORD + "\n").encode())
    codes = asyncio.run(_seed(db_url))
    log = open(tmp / "server.log", "wb")
    proc = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            if proc.poll() is not None:
                raise AssertionError((tmp / "server.log").read_text())
            time.sleep(0.1)
    req = urllib.request.Request(base + "/api/v1/auth/token", method="POST",
                                 data=json.dumps({"username": "lan", "password": PASSWORD}).encode(),
                                 headers={"Content-Type": "application/json"})
    token = json.loads(urllib.request.urlopen(req, timeout=10).read())["access_token"]
    yield base, token, codes
    proc.terminate()
    proc.wait(timeout=10)
    server_log = (tmp / "server.log").read_text(errors="replace")
    assert "Traceback" not in server_log, server_log[-4000:]


def _check(case, token: str, codes: list[str]) -> None:
    i = next(COUNTER)
    if "code" in (case.path_parameters or {}) and i % 3:
        case.path_parameters["code"] = codes[i % len(codes)]
    headers = {} if i % 7 == 6 else {"Authorization": f"Bearer {token}"}
    response = case.call(headers=headers, timeout=10)
    STATS[f"{case.method} {case.path} {response.status_code}"] = STATS.get(f"{case.method} {case.path} {response.status_code}", 0) + 1
    assert response.status_code < 500, (case.method, case.formatted_path, response.status_code, response.text[:500])
    if response.status_code >= 400:
        body = response.json()
        assert isinstance(body.get("error"), str) and isinstance(body.get("message"), str), response.text[:300]


def test_no_server_error_whatever_the_request(api_server):
    """(schemathesis' own pytest plugin does not run under pytest 9: the operations are walked here,
    each with Hypothesis' @given over the operation's case strategy.)"""
    base, token, codes = api_server
    schema = schemathesis.openapi.from_url(base + "/api/v1/openapi.json")
    ran = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in schemathesis.GenerationMode:  # valid requests, then requests that break the schema
            try:
                strategy = operation.as_strategy(generation_mode=mode)
            except Exception:  # an operation with nothing to break (no parameters, no body)
                continue

            @hypothesis.settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                                 suppress_health_check=list(hypothesis.HealthCheck))
            @hypothesis.given(case=strategy)
            def run(case):
                _check(case, token, codes)

            try:
                run()
            except hypothesis.errors.Unsatisfiable:
                continue
            ran.append(f"{operation.label} ({mode.value})")
    assert len(ran) >= 25, ran
    print("\nschemathesis:", sum(STATS.values()), "requests;", json.dumps(dict(sorted(STATS.items())), indent=0))
