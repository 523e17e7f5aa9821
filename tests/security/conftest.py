"""The attack suite's server: `python -m bot serve` as a real process (SQLite, in-process queue),
Zalo and Messenger configured against a local stand-in, two agencies' officers, seeded dossiers
with photos. Short body and header timeouts so that slow-request tests finish quickly; the server
believes X-Forwarded-For from 127.0.0.1 so that each test can be a client address of its own."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/ (support, officer kit)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "officer"))

import security_kit as kit  # noqa: E402
from officer_kit import seed_dossier  # noqa: E402
from support import served  # noqa: E402

OFFICERS = (
    ("lan", "DEMO", "officer", kit.PASSWORD),
    ("hoa", "DEMO", "supervisor", kit.PASSWORD),
    ("minh", "DEMO", "analyst", kit.PASSWORD),
    ("tuan", "DEMO", "admin", kit.PASSWORD),
    ("khac", "OTHER", "officer", kit.PASSWORD),
    ("khac_sup", "OTHER", "supervisor", kit.PASSWORD),
    ("ghost", "DEMO", "officer", kit.PASSWORD),  # the throttle tests' target
)


class _Rt:
    def __init__(self, db) -> None:
        self.db = db


async def _seed(url: str, media: Path) -> dict:
    from sqlalchemy import select

    from core.db import Database, DossierDocument, MessageLog
    from core.media import MediaStore

    stored = MediaStore(media).store(kit.png_bytes((80, 60)), "web")
    db = Database(url)
    try:
        demo = await seed_dossier(_Rt(db), agency="DEMO", photo_path=stored.path)
        other = await seed_dossier(_Rt(db), agency="OTHER", photo_path=stored.path)
        refs = {}
        async with db.session() as s:
            for code in (demo, other):
                from core.db import Dossier

                d = (await s.execute(select(Dossier).where(Dossier.code == code))).scalar_one()
                doc = (
                    await s.execute(select(DossierDocument).where(DossierDocument.dossier_id == d.id))
                ).scalar_one()
                msg = (
                    await s.execute(select(MessageLog.id).where(MessageLog.conversation_id == d.conversation_id))
                ).scalars().first()  # fmt: skip
                refs[code] = {"doc": f"d{doc.id}", "message": msg, "conversation": d.conversation_id}
        return {"DEMO": demo, "OTHER": other, "refs": refs}
    finally:
        await db.close()


@pytest.fixture(scope="session")
def target() -> Iterator[kit.Target]:
    t = kit.Target().start()
    yield t
    t.stop()


@pytest.fixture(scope="session")
def server(tmp_path_factory, target) -> Iterator[dict]:
    tmp = tmp_path_factory.mktemp("attack")
    seeded: dict = {}
    env = {
        "SECRET_KEY": kit.SECRET_KEY,
        "TRUSTED_PROXIES": "127.0.0.1",
        "ZALO_APP_ID": kit.ZALO_APP_ID,
        "ZALO_OA_SECRET_KEY": kit.ZALO_OA_SECRET,
        "ZALO_APP_SECRET": "zalo-app-secret",
        "ZALO_ACCESS_TOKEN": "at",
        "ZALO_REFRESH_TOKEN": "rt",
        "ZALO_API_BASE": target.base,
        "ZALO_OAUTH_BASE": target.base,
        "MESSENGER_APP_SECRET": kit.MESSENGER_APP_SECRET,
        "MESSENGER_VERIFY_TOKEN": "verify",
        "MESSENGER_PAGE_TOKEN": "page-token",
        "GRAPH_API_BASE": target.base,
        # the stand-in CDN is plain http on 127.0.0.1: the one explicit exception; the other
        # hosts are CDN-listed so that it is the address rule, not the host list, that refuses them
        "MEDIA_LOCAL_HOSTS": "127.0.0.1",
        "MEDIA_HOSTS": "zdn.vn,fbcdn.net,localhost,127.0.0.2,::1,10.0.0.1,192.168.1.10,169.254.169.254,"
        "100.64.0.1,0.0.0.0",
        "MEDIA_DOWNLOAD_TIMEOUT_S": "3",
        "PLATFORM_TIMEOUT_S": "3",
        "HTTP_BODY_TIMEOUT_S": str(kit.BODY_TIMEOUT_S),
        "HTTP_HEADER_TIMEOUT_S": str(kit.HEADER_TIMEOUT_S),
        "OCR_TIMEOUT_S": "8",  # a photo check running longer is stopped (the endless PDF bomb)
        "LOG_LEVEL": "WARNING",
    }

    def seed(url: str) -> None:
        seeded.update(asyncio.run(_seed(url, tmp / "media")))

    with served(tmp, officers=OFFICERS, before_start=seed, env=env) as base:
        yield {"base": base, **seeded, "tmp": tmp}
    log = (tmp / "server.log").read_text(errors="replace")
    assert "Traceback" not in log, log[-4000:]
