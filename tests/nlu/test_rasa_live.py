"""NLU_BACKEND=rasa against a real Rasa 3.6.21 server running this project's trained model.

Run by `make test-rasa` (tools/rasa/model.sh builds the venv and trains or reuses the model,
then sets MOTCUA_RASA_VENV and MOTCUA_RASA_MODEL). Without them these tests are skipped, so the
plain `make test` does not need Rasa. The server is started here, on a free loopback port, so a
test can stop it mid-run.
"""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from citizen import Citizen
from prometheus_client import REGISTRY
from support import _migrate, make_settings

from bot.runtime import Runtime
from handlers.webchat import WebChannel
from nlu import NLU

VENV = os.environ.get("MOTCUA_RASA_VENV", "")
MODEL = os.environ.get("MOTCUA_RASA_MODEL", "")

pytestmark = [
    pytest.mark.rasa,
    pytest.mark.skipif(not (VENV and MODEL), reason="needs a Rasa venv and model: run `make test-rasa`"),
]

# Typical messages whose intent any reasonable model of nlu/data gets right (not training examples).
TYPICAL = [
    ("chào bạn", "greet"),
    ("cảm ơn nhiều nha", "thank"),
    ("làm giấy khai sinh cho con cần những giấy tờ gì", "ask_requirements"),
    ("lệ phí đăng ký kết hôn bao nhiêu tiền", "ask_fee"),
    ("tôi muốn nói chuyện với cán bộ", "request_human"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RasaServer:
    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 600.0) -> None:
        env = dict(os.environ, RASA_TELEMETRY_ENABLED="false")
        cmd = [
            f"{VENV}/bin/rasa",
            "run",
            "--enable-api",
            "-m",
            MODEL,
            "-i",
            "127.0.0.1",
            "-p",
            str(self.port),
        ]
        log = open(Path(MODEL).parent / "server.log", "wb")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=Path(MODEL).parent
        )
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"rasa run exited with {self.proc.returncode}; see {log.name}")
            try:
                with urllib.request.urlopen(self.url + "/status", timeout=2) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            time.sleep(1.0)
        raise RuntimeError("rasa run did not answer /status in time")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="module")
def rasa_server() -> Iterator[RasaServer]:
    server = RasaServer()
    server.start()
    yield server
    server.stop()


def fallbacks(reason: str) -> float:
    return REGISTRY.get_sample_value("motcua_nlu_rasa_fallback_total", {"reason": reason}) or 0.0


def _nlu(tmp_path: Path, url: str, timeout_s: float = 10.0) -> NLU:
    settings = make_settings(tmp_path, nlu_backend="rasa", rasa_url=url, rasa_timeout_s=timeout_s)
    return NLU.from_settings(settings)


async def test_parse_shape_and_intents(rasa_server: RasaServer, tmp_path: Path) -> None:
    nlu = _nlu(tmp_path, rasa_server.url)
    before = sum(fallbacks(r) for r in ("timeout", "connection", "status", "bad_response"))
    try:
        for text, intent in TYPICAL:
            r = await nlu.parse(text)
            assert r["intent"]["name"] == intent, (text, r["intent"])
            assert 0.0 < r["intent"]["confidence"] <= 1.0
            assert isinstance(r["entities"], list)
    finally:
        await nlu.close()
    after = sum(fallbacks(r) for r in ("timeout", "connection", "status", "bad_response"))
    assert after == before, "every parse was answered by Rasa itself"


async def test_entities_procedure_from_rasa_and_rules_from_embedded(
    rasa_server: RasaServer, tmp_path
) -> None:
    nlu = _nlu(tmp_path, rasa_server.url)
    try:
        r = await nlu.parse("tôi muốn đăng ký kết hôn, sđt 0912345678")
    finally:
        await nlu.close()
    values = {(e["entity"], e["value"]) for e in r["entities"]}
    assert ("procedure", "ket_hon") in values
    assert ("phone", "0912345678") in values


async def test_timeout_falls_back_to_embedded(rasa_server: RasaServer, tmp_path: Path) -> None:
    nlu = _nlu(tmp_path, rasa_server.url, timeout_s=0.0005)
    before = fallbacks("timeout")
    try:
        r = await nlu.parse("lệ phí đăng ký kết hôn bao nhiêu tiền")
    finally:
        await nlu.close()
    assert r["intent"]["name"] == "ask_fee"
    assert fallbacks("timeout") == before + 1


async def test_conversation_survives_rasa_stopping_mid_run(rasa_server: RasaServer, tmp_path: Path) -> None:
    """A citizen talks through the real message path with NLU_BACKEND=rasa; Rasa is stopped in the
    middle of the conversation and the next answers come from the embedded classifier."""
    settings = make_settings(tmp_path, nlu_backend="rasa", rasa_url=rasa_server.url, rasa_timeout_s=5.0)
    await _migrate(settings.resolved_database_url)
    rt = Runtime(settings)
    rt.add_channel(WebChannel())
    await rt.start(workers=1)
    try:
        citizen = Citizen(rt)
        first = await citizen.say("làm giấy khai sinh cần giấy tờ gì")
        assert "khai sinh" in first.lower()
        before = fallbacks("connection")
        await asyncio.to_thread(rasa_server.stop)
        second = await citizen.say("lệ phí đăng ký kết hôn bao nhiêu tiền")
        assert "kết hôn" in second.lower()
        assert fallbacks("connection") > before
    finally:
        await rt.stop()
