"""`python -m bot export …` and `python -m bot report …` (services/analytics).

Export is redacted by default. `--no-redact` needs an admin's own credentials: `--as USERNAME`
with the password on stdin (checked like a console login); without them the command refuses.
Every export, redacted or not, leaves an audit row (action "export", actor "operator" or
"officer:ID", with the period, the format, the row count and whether it was redacted)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core import store
from core.db import Database
from core.settings import Settings
from handlers.analytics_text import report_text
from services.analytics.export import FORMATS, export
from services.analytics.metrics import summary
from services.analytics.period import BadPeriod, period
from services.analytics.redact import Pseudonyms, analytics_secret


def add_commands(sub) -> None:
    ex = sub.add_parser("export", help="conversation log export, redacted by default")
    ex.add_argument("--since", required=True, help="first day, YYYY-MM-DD (local time)")
    ex.add_argument("--until", required=True, help="last day, YYYY-MM-DD (included)")
    ex.add_argument("--format", required=True, choices=FORMATS)
    ex.add_argument(
        "--no-redact", action="store_true", help="admins only: with --as and the password on stdin"
    )
    ex.add_argument("--as", dest="as_user", help="the admin asking for --no-redact (password on stdin)")
    ex.add_argument("--out", help="the file to write (default: EXPORT_DIR/motcua-SINCE-UNTIL[-raw].FORMAT)")
    rep = sub.add_parser("report", help="the analytics summary")
    rep.add_argument("--since")
    rep.add_argument("--until")
    rep.add_argument("--json", action="store_true")


@dataclass
class _Rt:
    settings: Settings
    db: Database


def run(args: argparse.Namespace, settings: Settings) -> int:
    try:
        span = period(args.since, args.until, settings.timezone)
    except BadPeriod as exc:
        print(f"bad period: {exc}", file=sys.stderr)
        return 2
    if args.command == "report":
        result = asyncio.run(_report(settings, span))
        print(json.dumps(result, ensure_ascii=False, indent=2) if args.json else report_text(result))
        return 0
    actor = "operator"
    if args.no_redact:
        if not args.as_user:
            print("--no-redact needs --as USERNAME (an admin) and the password on stdin", file=sys.stderr)
            return 2
        password = sys.stdin.readline().rstrip("\n")
        officer_id = asyncio.run(_admin(settings, args.as_user, password))
        if officer_id is None:
            print("refused: not an active admin with these credentials", file=sys.stderr)
            return 3
        actor = f"officer:{officer_id}"
    suffix = "-raw" if args.no_redact else ""
    out = (
        Path(args.out)
        if args.out
        else settings.path(settings.export_dir) / (f"motcua-{span.since}-{span.until}{suffix}.{args.format}")
    )
    count = asyncio.run(_export(settings, span, args.format, out, not args.no_redact, actor))
    print(out)
    print(f"{count} rows", file=sys.stderr)
    return 0


async def _report(settings: Settings, span) -> dict[str, Any]:
    db = Database(settings.resolved_database_url)
    try:
        return await summary(_Rt(settings, db), span)
    finally:
        await db.close()


async def _admin(settings: Settings, username: str, password: str) -> int | None:
    from handlers.auth import authenticate

    db = Database(settings.resolved_database_url)
    try:
        officer = await authenticate(db, username, password)
        return officer.id if officer is not None and officer.role == "admin" else None
    finally:
        await db.close()


async def _export(settings: Settings, span, fmt: str, out: Path, redact: bool, actor: str) -> int:
    db = Database(settings.resolved_database_url)
    try:
        pseudo = Pseudonyms(analytics_secret(settings)) if redact else None
        started = dt.datetime.now(dt.UTC)
        count = await export(db, span, fmt, out, pseudo)
        async with db.session() as s, s.begin():
            store.audit(
                s,
                actor,
                "export",
                {
                    **span.as_dict(),
                    "format": fmt,
                    "rows": count,
                    "redacted": redact,
                    "file": out.name,
                    "started": started.isoformat(),
                },
            )
        return count
    finally:
        await db.close()
