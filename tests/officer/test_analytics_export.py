"""The export (`python -m bot export`): a citizen files a liên thông khai sinh through the real
message path (photos, form: a name, a birth date, an address, a phone) and then writes the same
data in free text, another way; no export format holds any of it, the citizen's pseudonym is
the same in every file and every export, and only an admin's own credentials give an
unredacted file, which is audited. On SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys

from citizen import Citizen, file_procedure
from sqlalchemy import select
from support import ROOT

from core.db import AuditEvent
from services.analytics.redact import fold

NAME = "Nguyễn Minh An"
ADDRESS = "Số 12 đường Trần Phú, phường Hà Đông, thành phố Hà Nội"
PHONE = "0912345678"
ID_NUMBER = "001099012345"
BIRTH = ("05/03/2026", "2026-03-05", "5/3/2026", "05-03-2026")
FREE_TEXT = (
    "toi la nguyen minh an, sinh ngay 5-3-2026, o so 12 duong tran phu phuong ha dong thanh pho ha noi, "
    "sdt 0912.345.678, cccd 001 099 012 345"
)


def _leaks(text: str) -> list[str]:
    """The seeded values found in an export's text, in any spelling or spacing."""
    found = []
    folded = fold(text)
    for value in (NAME, ADDRESS, "tran phu"):
        if " ".join(fold(value).split()) in " ".join(folded.split()):
            found.append(value)
    digits = re.sub(r"[ .\-]", "", text)
    for value in (PHONE, ID_NUMBER, "912345678"):
        if value in digits:
            found.append(value)
    for value in BIRTH:
        if value in text:
            found.append(value)
    return found


def _run(settings, *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = dict(
        os.environ,
        DATABASE_URL=settings.database_url,
        REDIS_URL="",
        VAR_DIR=settings.var_dir,
        MEDIA_DIR=settings.media_dir,
        EXPORT_DIR=str(settings.path(settings.var_dir) / "exports"),
        ANALYTICS_SECRET="analytics-test-secret",
        LOG_LEVEL="WARNING",
    )
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], cwd=ROOT, env=env, input=stdin, capture_output=True, text=True
    )


def _readme_queries(parquet: str) -> None:
    """The README's two DuckDB queries, run on this export."""
    import duckdb

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("**Loading an export in DuckDB**") :]
    queries = re.findall(r"```sql\n(.*?)```", section, re.S)[:2]
    assert len(queries) == 2
    con = duckdb.connect()
    first = con.sql(queries[0].replace("var/exports/*.parquet", parquet)).fetchall()
    assert first == [("lien_thong_khai_sinh", 1, 1, None)]
    second = con.sql(queries[1].replace("var/exports/*.parquet", parquet)).fetchall()
    assert all(isinstance(n, int) for _doc, _problem, n in second)


def _rows(path: str) -> list[dict]:
    if path.endswith(".jsonl"):
        return [json.loads(line) for line in open(path, encoding="utf-8")]
    if path.endswith(".csv"):
        import csv

        return list(csv.DictReader(open(path, encoding="utf-8", newline="")))
    import pyarrow.parquet as pq

    return pq.read_table(path).to_pylist()


async def test_exports_hold_no_personal_data_yet_join_per_citizen(client, rt):
    citizen = Citizen(rt)
    code, _ = await file_procedure(citizen, "lien_thong_khai_sinh")
    await citizen.say(FREE_TEXT)
    today = __import__("services.dossiers", fromlist=["local_today"]).local_today(rt.settings).isoformat()

    pseudonyms: dict[str, set[str]] = {}
    for fmt in ("jsonl", "csv", "parquet"):
        done = await asyncio.to_thread(
            _run, rt.settings, "export", "--since", today, "--until", today, "--format", fmt
        )
        assert done.returncode == 0, done.stderr
        path = done.stdout.strip()
        assert path.endswith(f".{fmt}")
        rows = _rows(path)
        text = json.dumps(rows, ensure_ascii=False, default=str)
        assert not _leaks(text), (fmt, _leaks(text))
        assert code not in text and citizen.user not in text  # dossier codes and platform ids keyed too
        assert {r["record"] for r in rows} >= {"message", "event"}
        mine = {r["citizen"] for r in rows if r["record"] == "message"}
        assert len(mine) == 1 and next(iter(mine)).startswith("citizen_")
        pseudonyms[fmt] = mine | {r["dossier"] for r in rows if r["dossier"]}
        # the free text is there, redacted: the citizen's own words still count and join
        said = [
            r["text"] for r in rows if r["record"] == "message" and (r["text"] or "").startswith("toi la")
        ]
        assert said and "[name_" in said[0] and "[phone_" in said[0] and "[address_" in said[0]
        media = [a for r in rows for a in json.loads(r["attachments"] or "[]")]
        assert media and all(a["path"].startswith("media_") and "name" not in a for a in media)
        if fmt == "parquet":
            _readme_queries(path)
    assert pseudonyms["jsonl"] == pseudonyms["csv"] == pseudonyms["parquet"]
    again = await asyncio.to_thread(
        _run,
        rt.settings,
        "export",
        "--since",
        today,
        "--until",
        today,
        "--format",
        "jsonl",
        "--out",
        str(rt.settings.path(rt.settings.var_dir) / "again.jsonl"),
    )
    rows = _rows(again.stdout.strip())
    assert {r["citizen"] for r in rows if r["record"] == "message"} | {
        r["dossier"] for r in rows if r["dossier"]
    } == pseudonyms["jsonl"]

    # unredacted: refused without an admin's credentials, given (and audited) with them
    refused = await asyncio.to_thread(
        _run, rt.settings, "export", "--since", today, "--until", today, "--format", "csv", "--no-redact"
    )
    assert refused.returncode == 2
    wrong = await asyncio.to_thread(
        _run,
        rt.settings,
        "export",
        "--since",
        today,
        "--until",
        today,
        "--format",
        "csv",
        "--no-redact",
        "--as",
        "hoa",
        stdin="mat-khau-rat-dai-123\n",
    )
    assert wrong.returncode == 3  # a supervisor is not an admin
    raw = await asyncio.to_thread(
        _run,
        rt.settings,
        "export",
        "--since",
        today,
        "--until",
        today,
        "--format",
        "csv",
        "--no-redact",
        "--as",
        "tuan",
        stdin="mat-khau-rat-dai-123\n",
    )
    assert raw.returncode == 0, raw.stderr
    assert code in open(raw.stdout.strip(), encoding="utf-8").read()
    async with rt.db.session() as s:
        exports = (
            (await s.execute(select(AuditEvent).where(AuditEvent.action == "export").order_by(AuditEvent.id)))
            .scalars()
            .all()
        )
    assert [e.data["redacted"] for e in exports] == [True, True, True, True, False]
    assert exports[-1].actor.startswith("officer:") and exports[0].actor == "operator"
