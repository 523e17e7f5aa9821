"""The sender's claim on a built case: EXPLAIN (ANALYZE, BUFFERS) of the whole statement, pass by pass.

    PYTHONPATH=. .venv/bin/python bench/claim_case.py [--sent 6000] [--pending 2000] [--passes 3]
                                                      [--pre "SET LOCAL ..."] [--analyze] [--as-sender]

A fresh database (migrated to head) gets `--sent` outbox rows sent the way the sender leaves them
(inserted pending, then sending, then sent, 100 at a time, never vacuumed: autovacuum is off for
the table), then a backlog of `--pending` rows, two per conversation, one in fifty retried a
minute later (blocking its conversation's next row). Each pass runs the claim (`store_pg.CLAIM`)
in a transaction after `--pre` (or, with `--as-sender`, after the sender's own `CLAIM_PLAN`),
prints its time, buffers, JIT time and (first pass) the plan's nodes, then marks the claimed rows
sent as a pass would. `--analyze` gives the table statistics first (the planner's other case).
The foreign keys of the outbox are dropped in this throw-away database (no message rows needed).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import asyncpg  # noqa: E402
from support import PG_ADMIN, fresh_pg_database  # noqa: E402

from core.db.migrate import upgrade_async  # noqa: E402
from core.store_pg import CLAIM, CLAIM_PLAN  # noqa: E402

INSERT = (
    "INSERT INTO outbox (message_id, conversation_id, channel, recipient, payload, status, attempts,"
    " next_attempt_at, created_at) SELECT g, g / 2, 'zalo', 'r', '{}', 'pending', 0, $1, $1"
    " FROM generate_series($2::bigint, $3::bigint) g"
)


async def build(c, sent: int, pending: int, now: dt.datetime) -> None:
    await c.execute(
        "ALTER TABLE outbox DROP CONSTRAINT fk_outbox_conversation_id_conversation;"
        "ALTER TABLE outbox DROP CONSTRAINT fk_outbox_message_id_message_log;"
        "ALTER TABLE outbox SET (autovacuum_enabled = false)"
    )
    for start in range(1, sent + 1, 100):  # as the sender leaves them: pending -> sending -> sent
        end = min(sent, start + 99)
        await c.execute(INSERT, now - dt.timedelta(minutes=5), start, end)
        await c.execute(
            "UPDATE outbox SET status = 'sending', claimed_until = $1 WHERE id BETWEEN $2 AND $3",
            now,
            start,
            end,
        )
        await c.execute(
            "UPDATE outbox SET status = 'sent', sent_at = $1 WHERE id BETWEEN $2 AND $3", now, start, end
        )
    await c.execute(INSERT, now - dt.timedelta(seconds=5), sent + 1, sent + pending)
    await c.execute(
        "UPDATE outbox SET next_attempt_at = $1, attempts = 1 WHERE id > $2 AND id % 50 = 0",
        now + dt.timedelta(minutes=1), sent,
    )  # fmt: skip


def nodes(node: dict, depth: int = 0) -> list[str]:
    line = (
        f"{'  ' * depth}{node['Node Type']} {node.get('Index Name', '')} rows={node.get('Actual Rows')}"
        f" loops={node.get('Actual Loops')} buffers={node.get('Shared Hit Blocks', 0) + node.get('Shared Read Blocks', 0)}"
        f" {node.get('Actual Total Time')} ms"
    )
    return [line] + [x for child in node.get("Plans", []) for x in nodes(child, depth + 1)]


async def main(args: argparse.Namespace) -> None:
    now = dt.datetime.now(dt.UTC)
    async with fresh_pg_database(PG_ADMIN) as url:
        await upgrade_async(url)
        c = await asyncpg.connect(url.replace("+asyncpg", ""))
        try:
            await build(c, args.sent, args.pending, now)
            if args.analyze:
                await c.execute("ANALYZE outbox")
            explain = "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + CLAIM
            for n in range(args.passes):
                until = now + dt.timedelta(seconds=30 + n)
                async with c.transaction():
                    if args.as_sender or args.pre:
                        await c.execute(CLAIM_PLAN if args.as_sender else args.pre)
                    plan = json.loads(await c.fetchval(explain, now, until))[0]
                top, jit = plan["Plan"], plan.get("JIT", {}).get("Timing", {}).get("Total")
                buffers = top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
                print(f"pass {n}: {plan['Execution Time']:.2f} ms, {buffers} buffers, JIT {jit} ms")
                if n == 0:
                    print("\n".join("    " + x for x in nodes(top)))
                await c.execute("UPDATE outbox SET status = 'sent' WHERE claimed_until = $1", until)
        finally:
            await c.close()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sent", type=int, default=6000)
    ap.add_argument("--pending", type=int, default=2000)
    ap.add_argument("--passes", type=int, default=3)
    ap.add_argument("--pre", default="", help="statements run in the claim's transaction first")
    ap.add_argument("--analyze", action="store_true")
    ap.add_argument("--as-sender", action="store_true", help="the sender's own setting (CLAIM_PLAN)")
    asyncio.run(main(ap.parse_args()))
