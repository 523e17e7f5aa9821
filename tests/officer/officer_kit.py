"""Helpers of the officer tests: accounts, dossiers written straight into the database (with
hostile strings where a test wants them), API tokens and console logins."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from html.parser import HTMLParser

from aiohttp.test_utils import TestClient

from core.db import AuditEvent, Citizen, Conversation, Dossier, DossierDocument, MessageLog, Outbox
from core.db.models import utcnow
from services import officers

PASSWORD = "mat-khau-rat-dai-123"
EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>"\'><svg onload=alert(2)>'


async def make_officers(settings) -> dict[str, int]:
    ids = {}
    for username, agency, role in (
        ("lan", "DEMO", "officer"),
        ("hoa", "DEMO", "supervisor"),
        ("minh", "DEMO", "analyst"),
        ("tuan", "DEMO", "admin"),
        ("khac", "OTHER", "officer"),
    ):
        ids[username] = await officers.add(settings, username, PASSWORD, agency, role)
    return ids


async def seed_dossier(
    rt,
    *,
    agency: str = "DEMO",
    status: str = "submitted",
    procedure: str = "khai_sinh",
    evil: str = "",
    due: dt.date | None = None,
    photo_path: str | None = None,
    channel: str = "web",
) -> str:
    """A filed dossier with one document, a short thread and an audit event; `evil` is put in
    every citizen-supplied string (form fields, texts, file names, ID reading, audit data)."""
    user = uuid.uuid4().hex
    seq = uuid.uuid4().int % 10000
    code = f"{agency}-{dt.date.today():%y%m%d}-{seq:04d}"
    async with rt.db.session() as s, s.begin():
        citizen = Citizen(channel=channel, external_id=user, display_name=f"Nguyễn Văn A {evil}")
        s.add(citizen)
        await s.flush()
        conv = Conversation(
            key=f"{channel}:{user}",
            citizen_id=citizen.id,
            channel=channel,
            state={"step": "menu"},
            inbound_cursor="0-0",
        )
        s.add(conv)
        await s.flush()
        d = Dossier(
            code=code,
            conversation_id=conv.id,
            citizen_id=citizen.id,
            agency=agency,
            procedure=procedure,
            status=status,
            fields={"child_name": f"NGUYỄN MINH AN {evil}", "phone": "0912345678"},
            submitted_at=utcnow(),
            due_date=due or dt.date.today() + dt.timedelta(days=3),
        )
        s.add(d)
        await s.flush()
        s.add(
            DossierDocument(
                dossier_id=d.id,
                doc_key="cccd_nguoi_khai",
                file_path=photo_path or "web/none.jpg",
                content_type="image/jpeg",
                size=10,
                sha256="0" * 64,
                quality={"ok": False, "problems": ["blurry"], "accepted_with_warning": True, "retakes": 2},
                reading={
                    "type": "cccd_front",
                    "fields": {"full_name": f"TRẦN THỊ B {evil}", "id_number": "001099012345"},
                    "sources": {"full_name": "ocr", "id_number": "qr"},
                    "confidence": {"full_name": 0.42, "id_number": 1.0},
                    "checks": {"qr": "ok", "mrz": {"id_number": False}, "note": f"mismatch {evil}"},
                },
                confirmed={"full_name": f"TRẦN THỊ B {evil}", "id_number": "001099012345"},
            )
        )
        s.add(
            MessageLog(
                conversation_id=conv.id,
                direction="in",
                author="citizen",
                channel=channel,
                external_id=uuid.uuid4().hex,
                kind="text",
                text=f"Xin chào {evil}",
            )
        )
        s.add(
            MessageLog(
                conversation_id=conv.id,
                direction="in",
                author="citizen",
                channel=channel,
                external_id=uuid.uuid4().hex,
                kind="file",
                text=None,
                attachments=[{"type": "file", "name": f"giay{evil}.pdf", "problem": "not_image"}],
            )
        )
        out = MessageLog(
            conversation_id=conv.id,
            direction="out",
            author="bot",
            channel=channel,
            kind="text",
            text=f"Mã hồ sơ của bạn: {code}",
        )
        out.outbox = Outbox(
            conversation_id=conv.id, channel=channel, recipient=user, payload={"text": "x"}, status="sent"
        )
        s.add(out)
        s.add(
            AuditEvent(
                actor=f"citizen:{citizen.id}",
                action="submitted",
                dossier_id=d.id,
                data={"code": code, "comment": evil},
            )
        )
    return code


async def api_token(client: TestClient, username: str, password: str = PASSWORD) -> str:
    r = await client.post("/api/v1/auth/token", json={"username": username, "password": password})
    assert r.status == 200, await r.text()
    return (await r.json())["access_token"]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([^"]+)"', html)
    assert m, "no CSRF field in the page"
    return m.group(1)


async def console_login(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Log in through the form; returns the CSRF token of the new session (from the queue page)."""
    page = await client.get("/officer/login")
    r = await client.post(
        "/officer/login",
        data={
            "username": username,
            "password": password,
            "csrf": csrf_of(await page.text()),
            "next": "/officer",
        },
        allow_redirects=False,
    )
    assert r.status == 303, await r.text()
    queue = await client.get("/officer")
    assert queue.status == 200
    return csrf_of(await queue.text())


class Tags(HTMLParser):
    """Every start tag with its attributes, as the browser would build them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def assert_inert(html: str) -> None:
    """No element or attribute a hostile string could have injected: only our own script tag,
    no event-handler attributes, no svg, no javascript: URLs."""
    for tag, attrs in Tags(html).tags:
        assert tag not in {"svg", "iframe", "object", "embed"}, tag
        if tag == "script":
            assert attrs.get("src") == "/officer/static/officer.js", attrs
        if tag == "img":
            assert (attrs.get("src") or "").startswith("/officer/media/"), attrs
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, attrs)
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, attrs)
