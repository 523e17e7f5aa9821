"""Test infrastructure shared by the suite (imported as `support`; fixtures live in conftest.py).

PostgreSQL and Redis are real servers (TEST_POSTGRES_URL, TEST_REDIS_URL). When they do not
answer, the tests that need them fail, they are not skipped: set MOTCUA_TEST_SERVICES=off to skip
them knowingly (e.g. on a laptop without them).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from core.settings import Settings, load_settings

# The khai sinh form's answers in a browser journey, each with the prompt that follows it.
BIRTH_FORM_ANSWERS = (
    ("Nguyễn Minh An", "bé trai hay bé gái"),
    ("1", "Bé sinh ngày nào"),
    ("05/03/2026", "Số điện thoại"),
    ("0912345678", "Thông tin đã đúng chưa?"),
)


PG_ADMIN = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
SERVICES_OFF = os.environ.get("MOTCUA_TEST_SERVICES", "").lower() == "off"


def _answers(url: str, default_port: int) -> bool:
    u = urlparse(url)
    try:
        with socket.create_connection((u.hostname or "127.0.0.1", u.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def need(url: str, port: int, what: str) -> None:
    if _answers(url, port):
        return
    if SERVICES_OFF:
        pytest.skip(f"{what} not answering at {url} (MOTCUA_TEST_SERVICES=off)")
    pytest.fail(f"{what} is not answering at {url}; start it (see README) or set MOTCUA_TEST_SERVICES=off")


def make_settings(tmp_path: Path, **overrides) -> Settings:
    base = dict(
        database_url=f"sqlite+aiosqlite:///{tmp_path}/motcua.db",
        media_dir=str(tmp_path / "media"),
        var_dir=str(tmp_path / "var"),
        redis_url="",
        secret_key="test-secret-key-not-for-production",
        sender_poll_s=0.05,
        sender_backoff_base_s=0.05,
        claim_idle_ms=60000,
        lock_ttl_s=10.0,
    )
    base.update(overrides)
    return load_settings(environ={}, **base)


@contextlib.asynccontextmanager
async def fresh_pg_database(server: str) -> AsyncIterator[str]:
    """A fresh, empty PostgreSQL database (dropped afterwards); yields its async URL."""
    import asyncpg

    name = f"motcua_t_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    u = urlparse(server)
    try:
        yield f"postgresql+asyncpg://{u.username or 'postgres'}@{u.hostname}:{u.port or 5432}/{name}"
    finally:
        admin = await asyncpg.connect(server)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@contextlib.asynccontextmanager
async def fresh_redis_prefix() -> AsyncIterator[str]:
    """A key prefix of its own on the real Redis (its keys are removed afterwards)."""
    import redis.asyncio as aioredis

    prefix = f"motcua-test:{uuid.uuid4().hex[:10]}:"
    try:
        yield prefix
    finally:
        r = aioredis.Redis.from_url(REDIS)
        try:
            keys = [k async for k in r.scan_iter(match=prefix + "*", count=1000)]
            if keys:
                await r.delete(*keys)
        finally:
            await r.aclose()


async def _migrate(url: str) -> None:
    from core.db.migrate import upgrade_async

    await upgrade_async(url)


async def wait_for(
    predicate: Callable[[], asyncio.Future | bool], timeout: float = 30.0, every: float = 0.05
):
    """Await until `predicate()` (sync or async) returns a truthy value; return it. The bound is
    for "never happens", not a speed check: generous, since the suite may share busy cores."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = predicate()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(every)


# ---- a real server process and headless Chromium (browser and property-based tests) -------------

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# As root, in a closed network: no sandbox, and nothing that phones home at start-up.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(
    tmp: Path,
    officers: tuple[tuple[str, str, str, str], ...] = (),
    before_start: Callable[[str], None] | None = None,
    env: dict[str, str] | None = None,
    port: int | None = None,
) -> Iterator[str]:
    """`python -m bot serve` as `make run` starts it (SQLite and the in-process queue under `tmp`),
    migrated, with the given officers (username, agency, role, password); yields the base URL.
    `before_start(database_url)` may seed the database before the server starts; `env` adds or
    overrides settings of the server process."""
    port = port or free_port()
    extra_env = env or {}
    database_url = f"sqlite+aiosqlite:///{tmp}/motcua.db"
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        REDIS_URL="",
        MEDIA_DIR=str(tmp / "media"),
        VAR_DIR=str(tmp / "var"),
        LOG_LEVEL="WARNING",
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
    )
    env.update(extra_env)
    subprocess.run(
        [sys.executable, "-m", "bot", "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True
    )
    for username, agency, role, password in officers:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "bot",
                "officer",
                "add",
                "--username",
                username,
                "--agency",
                agency,
                "--role",
                role,
            ],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            input=(password + "\n").encode(),
        )
    if before_start is not None:
        before_start(database_url)
    log_path = tmp / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    raise AssertionError(log_path.read_text(errors="replace")) from None
                time.sleep(0.1)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.asynccontextmanager
async def chromium():
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium is not installed (make test installs it as root: apt-get install chromium)")
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            await browser.close()


async def file_birth_registration_in_browser(page, base: str, tmp: Path) -> str:
    """A citizen files a birth registration through /chat, by clicks and typing; returns the code."""
    from citizen import photo
    from playwright.async_api import expect

    paper = tmp / "giay_chung_sinh.jpg"
    paper.write_bytes(photo("paper", seed=21))
    card = tmp / "can_cuoc.jpg"
    card.write_bytes(photo("cccd_front", seed=22))
    await page.goto(base + "/chat")
    thread = page.locator("#thread")
    await expect(thread).to_contain_text("1. Có em bé", timeout=20000)
    await page.get_by_role("button", name="1. Có em bé").click()
    await expect(thread).to_contain_text("trọn gói", timeout=20000)
    await page.get_by_role("button", name="2. Khai sinh", exact=True).click()
    await expect(thread).to_contain_text("Bạn đồng ý không?", timeout=20000)
    await page.get_by_role("button", name="1. Đồng ý").click()
    await expect(thread).to_contain_text("Bạn là bố hoặc mẹ của bé", timeout=20000)
    await page.get_by_role("button", name="2. Tôi là bố/mẹ bé").click()
    await expect(thread).to_contain_text("Bước 1/2", timeout=20000)
    await page.set_input_files("#photo", str(paper))
    await expect(thread).to_contain_text("Bước 2/2", timeout=30000)
    await page.set_input_files("#photo", str(card))
    asked = page.locator("#thread li", has_text="Họ và tên dự kiến của bé")
    read = page.locator("#thread li", has_text="Mình đọc được trên thẻ")
    await expect(asked.or_(read)).to_be_visible(timeout=30000)
    if await read.count():
        await page.get_by_role("button", name="1. Đúng hết").click()
        await expect(asked).to_be_visible(timeout=20000)
    for text, next_prompt in BIRTH_FORM_ANSWERS:
        await page.fill("#text", text)
        await page.keyboard.press("Enter")
        await expect(thread).to_contain_text(next_prompt, timeout=20000)
    await page.get_by_role("button", name="1. Nộp hồ sơ").click()
    await expect(thread).to_contain_text("Mã hồ sơ của bạn", timeout=20000)
    return re.search(r"Mã hồ sơ của bạn: (DEMO-\d{6}-\d{4})", await thread.inner_text()).group(1)


# ---- web chat in the browser: geometry, keyboard, accessibility ------------------------------

# True when the newest bot (or officer) message and every quick-reply button lie wholly between the
# top of the scrolling thread and the top of the composer, inside the window.
NEWEST_IN_VIEW_JS = """() => {
  const bots = document.querySelectorAll('#thread li.bot, #thread li.officer');
  const last = bots[bots.length - 1];
  if (!last) return false;
  const top = document.getElementById('scroller').getBoundingClientRect().top;
  const bottom = Math.min(document.querySelector('footer').getBoundingClientRect().top, innerHeight);
  const boxes = [last, ...document.querySelectorAll('#choices button')].map(e => e.getBoundingClientRect());
  return boxes.every(b => b.height > 0 && b.top >= top - 1 && b.bottom <= bottom + 1);
}"""


async def assert_newest_in_view(page, timeout: float = 5000) -> None:
    """Wait until the newest bot message and its buttons are in view; fail with their geometry."""
    try:
        await page.wait_for_function(NEWEST_IN_VIEW_JS, timeout=timeout)
    except Exception:
        geometry = await page.evaluate(
            """() => [...document.querySelectorAll('#thread li.bot, #choices button, footer')]
                 .slice(-8).map(e => [e.tagName, e.textContent.slice(0, 40),
                 Math.round(e.getBoundingClientRect().top), Math.round(e.getBoundingClientRect().bottom)])"""
        )
        raise AssertionError(f"newest message or its buttons out of view: {geometry}") from None


async def newest_bot_text(page) -> str:
    return await page.locator("#thread li.bot").last.inner_text()


async def tab_to(page, name: str, *, limit: int = 40) -> None:
    """Press Tab until the focused element's accessible text starts with `name` (keyboard only)."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        text = await page.evaluate("() => (document.activeElement.textContent || '').trim()")
        if text.startswith(name):
            return
    raise AssertionError(f"{name!r} is not reachable with Tab")


async def focused_id(page) -> str:
    return await page.evaluate("() => document.activeElement ? document.activeElement.id : ''")


async def record_pending(page) -> None:
    """Record every text the page's pending indicator shows (it may be brief)."""
    await page.add_init_script(
        """window.__pending = [];
        new MutationObserver(() => {
          const p = document.getElementById('pending');
          if (p && !p.hidden) window.__pending.push(p.textContent.trim());
        }).observe(document, {subtree: true, childList: true, attributes: true, characterData: true});"""
    )


AXE_JS = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"


async def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """axe-core (vendored, never fetched) run on the page: the violations of the given impacts."""
    # evaluated, not added as a <script> tag: the pages' CSP refuses inline scripts
    await page.evaluate(AXE_JS.read_text(encoding="utf-8") + "\n;true")
    result = await page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    assert result["passes"], "axe-core did not run its rules"
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]
