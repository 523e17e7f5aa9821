"""Benchmark of `python -m bot export`: N generated turn-log rows (default 1 000 000) in a SQLite
database (migrated, filled with the sqlite3 module), then the real command, redacted, in a child
process whose time and peak RSS are measured (getrusage of the child). Run it at two sizes to see
that memory does not grow with the rows.

    .venv/bin/python bench/export.py                       # 1 000 000 rows, parquet
    .venv/bin/python bench/export.py --rows 100000 --format jsonl --keep /tmp/exp

Generated data only: citizens are random ids, dossiers carry generated names, phones, ID numbers
and addresses (so the redactor has known values to look for), texts mix them in.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from core.db.migrate import upgrade  # noqa: E402

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Khánh", "Lan", "Minh", "Ngọc"]
TEXTS = [
    "xin chào",
    "1",
    "Bỏ qua",
    "toi muon lam can cuoc",
    "cho mình hỏi lệ phí bao nhiêu",
    "{name} sdt {phone}",
    "số cccd {id}",
    "ở {address}",
    "sinh ngày {dob}",
]


def generate(db: Path, rows: int, per_conversation: int = 100, seed: int = 7) -> None:
    upgrade(f"sqlite+aiosqlite:///{db}")
    rng = random.Random(seed)
    con = sqlite3.connect(db)
    start = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)
    conversations = max(1, rows // per_conversation)
    cur = con.cursor()
    people = []
    for c in range(1, conversations + 1):
        created = (start + dt.timedelta(seconds=c * 20)).isoformat(" ")
        cur.execute(
            "INSERT INTO citizen (id, channel, external_id, created_at) VALUES (?, 'web', ?, ?)",
            (c, f"u{c:08d}", created),
        )
        cur.execute(
            "INSERT INTO conversation (id, key, citizen_id, channel, state, inbound_cursor, created_at, updated_at)"
            " VALUES (?, ?, ?, 'web', '{}', '0-0', ?, ?)",
            (c, f"web:u{c:08d}", c, created, created),
        )
        person = {
            "name": f"{rng.choice(SURNAMES)} Văn {rng.choice(GIVEN)}",
            "phone": f"09{rng.randrange(10**8):08d}",
            "id": f"0010{rng.randrange(10**8):08d}",
            "address": f"Số {rng.randrange(1, 200)} đường Trần Phú, phường Hà Đông",
            "dob": f"{rng.randrange(1, 28):02d}/{rng.randrange(1, 13):02d}/19{rng.randrange(50, 99)}",
        }
        people.append(person)
        fields = {"id_number": person["id"], "phone": person["phone"], "residence_address": person["address"]}
        cur.execute(
            "INSERT INTO dossier (id, code, conversation_id, citizen_id, agency, procedure, status, fields, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, 'DEMO', 'can_cuoc', 'submitted', ?, ?, ?)",
            (
                c,
                f"DEMO-261101-{c:04d}" if c < 10000 else None,
                c,
                c,
                json.dumps(fields, ensure_ascii=False),
                created,
                created,
            ),
        )
    batch = []
    for i in range(rows):
        c = i // per_conversation + 1
        if c > conversations:
            c = rng.randrange(1, conversations + 1)
        at = (start + dt.timedelta(seconds=i * 2)).isoformat(" ")
        inbound = i % 2 == 0
        text = (
            rng.choice(TEXTS).format(**people[c - 1]) if inbound else "Bạn cần làm gì tiếp? Trả lời bằng số:"
        )
        details = json.dumps({"step_after": "field"})
        batch.append(
            (
                c,
                "in" if inbound else "out",
                "citizen" if inbound else "bot",
                "web",
                f"m{i}" if inbound else None,
                "text",
                text,
                "[]",
                "[]",
                "start_procedure" if inbound else None,
                "field",
                at,
                at,
                "can_cuoc",
                c,
                0.9 if inbound else None,
                False if inbound else None,
                120 if inbound else None,
                details,
            )
        )
        if len(batch) == 20000:
            _flush(cur, batch)
    _flush(cur, batch)
    con.commit()
    con.close()


def _flush(cur, batch: list) -> None:
    cur.executemany(
        "INSERT INTO message_log (conversation_id, direction, author, channel, external_id, kind, text, attachments,"
        " quick_replies, intent, step, received_at, created_at, procedure, dossier_id, confidence, fallback,"
        " latency_ms, details) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        batch,
    )
    batch.clear()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--format", default="parquet", choices=["jsonl", "csv", "parquet"])
    ap.add_argument("--keep", help="a directory to keep the database and the export in")
    args = ap.parse_args()
    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="motcua-export-"))
    tmp.mkdir(parents=True, exist_ok=True)
    db = tmp / "bench.db"
    if not db.exists():
        t0 = time.perf_counter()
        generate(db, args.rows)
        print(
            f"generated {args.rows} rows in {time.perf_counter() - t0:.1f} s ({db.stat().st_size / 1e6:.0f} MB)"
        )
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite+aiosqlite:///{db}",
        VAR_DIR=str(tmp / "var"),
        EXPORT_DIR=str(tmp),
        ANALYTICS_SECRET="bench-secret",
        LOG_LEVEL="WARNING",
    )
    cmd = [
        sys.executable,
        "-m",
        "bot",
        "export",
        "--since",
        "2026-11-01",
        "--until",
        "2026-12-31",
        "--format",
        args.format,
    ]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if done.returncode:
        print(done.stderr, file=sys.stderr)
        return done.returncode
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    out = Path(done.stdout.strip())
    print(f"export: {done.stderr.strip()} -> {out.name} ({out.stat().st_size / 1e6:.0f} MB)")
    print(
        f"time {seconds:.1f} s, {args.rows / seconds:,.0f} rows/s; peak RSS of the export process {peak_mb:.0f} MB"
    )
    print("command: " + " ".join(cmd[1:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
