"""Benchmark of the officer's desk queries on SQLite: search (a Python scan, folded for
diacritics, over the agency's most recent dossiers and conversations), the inbox listing and a
queue page, with N generated dossiers (half with a hand-off thread beside them).

    .venv/bin/python bench/officer_desk.py                 # 2 000 dossiers, 20 runs each
    .venv/bin/python bench/officer_desk.py --dossiers 5000 --runs 10

Generated identities only. Prints p50 / p95 in milliseconds per query.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.db import Citizen, Conversation, Database, Dossier, DossierDocument, MessageLog  # noqa: E402
from core.db.migrate import upgrade_async  # noqa: E402
from core.settings import load_settings  # noqa: E402
from flows.catalog import load_catalog  # noqa: E402
from services import dossier_views, inbox, search  # noqa: E402
from services.officers import Principal  # noqa: E402

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Hà", "Khánh", "Lan", "Minh", "Ngọc", "Phúc", "Quân", "Thảo"]


async def seed(db: Database, n: int) -> None:
    today = dt.date.today()
    async with db.session() as s, s.begin():
        for i in range(n):
            name = f"{SURNAMES[i % 10]} Thị {GIVEN[i % 12]} {i}"
            citizen = Citizen(channel="zalo", external_id=uuid.uuid4().hex, display_name=name)
            s.add(citizen)
            await s.flush()
            human = i % 2 == 0
            conv = Conversation(
                key=f"zalo:{citizen.external_id}",
                citizen_id=citizen.id,
                channel="zalo",
                state={"step": "human"} if human else {"step": "menu"},
                step="human" if human else "menu",
                last_inbound_at=dt.datetime.now(dt.UTC),
            )
            s.add(conv)
            await s.flush()
            d = Dossier(
                code=f"DEMO-{today:%y%m%d}-{i:05d}",
                conversation_id=conv.id,
                citizen_id=citizen.id,
                agency="DEMO",
                procedure="khai_sinh",
                status="submitted",
                fields={"child_name": f"Bé {i}", "parent_phone": f"09{i:08d}"},
                submitted_at=dt.datetime.now(dt.UTC),
                due_date=today + dt.timedelta(days=i % 7),
            )
            s.add(d)
            await s.flush()
            s.add(
                DossierDocument(
                    dossier_id=d.id,
                    doc_key="cccd_nguoi_khai",
                    file_path="x.jpg",
                    content_type="image/jpeg",
                    size=1,
                    sha256="0" * 64,
                    reading={
                        "type": "cccd_front",
                        "fields": {"full_name": name.upper(), "id_number": f"0010{i:08d}"},
                    },
                )
            )
            for k in range(3):
                s.add(
                    MessageLog(
                        conversation_id=conv.id,
                        direction="in",
                        author="citizen",
                        channel="zalo",
                        external_id=uuid.uuid4().hex,
                        text=f"tin {k}",
                    )
                )


async def timed(runs: int, fn) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        await fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(0.95 * (len(samples) - 1)))]


async def main(n: int, runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        await upgrade_async(url)
        settings = load_settings(environ={}, database_url=url, var_dir=tmp, media_dir=tmp)
        db = Database(url)
        t = time.perf_counter()
        await seed(db, n)
        print(f"seeded {n} dossiers in {time.perf_counter() - t:.1f} s")
        rt = SimpleNamespace(db=db, settings=settings, engine=SimpleNamespace(catalog=load_catalog()))
        who = Principal(1, "bench", "DEMO", "officer")
        cases = {
            "search name (folded)": lambda: search.search(rt, who, "nguyen thi lan 7"),
            "search phone digits": lambda: search.search(rt, who, "0900000123"),
            "inbox listing": lambda: inbox.list_threads(rt, who),
            "queue page (200)": lambda: dossier_views.list_dossiers(rt, who, limit=200),
        }
        for label, fn in cases.items():
            p50, p95 = await timed(runs, fn)
            print(f"{label:24s} p50 {p50:8.1f} ms   p95 {p95:8.1f} ms")
        await db.close()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--dossiers", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=20)
    args = ap.parse_args()
    asyncio.run(main(args.dossiers, args.runs))
