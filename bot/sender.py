"""The sender: delivers the outbox, in order per conversation, with retries and backoff.

A row goes pending -> sending -> sent, or back to pending with a later `next_attempt_at` after a
transient failure, or to failed (permanent error, or too many attempts). A row of a conversation
is only taken when no earlier row of the same conversation is still waiting, so replies arrive in
the order the dialogue wrote them. A sender that dies mid-send leaves its rows in `sending` with
`claimed_until` in the past; they are taken again (at-least-once at the platform boundary: the
window for a repeat is the few milliseconds between the platform's answer and our commit).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
from collections import defaultdict
from collections.abc import Mapping

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import aliased

from core import metrics, store_pg
from core.channel import DELIVERY, Channel, Delivery, OutsideWindow, PermanentSendError, RetryLater
from core.db import Conversation, Database, MessageLog, Outbox
from core.db.models import utcnow
from core.logs import correlated
from core.settings import Settings

log = logging.getLogger(__name__)

UNFINISHED = ("pending", "sending", "held")
PASS_ROWS = store_pg.CLAIM_ROWS  # rows one outbox pass claims at most (also the SQLite query)
PASS_RETRY_FIRST_S = 0.25  # after a failed outbox pass (database unreachable): wait, doubling
PASS_RETRY_MAX_S = 4.0


class ClaimLost(Exception):
    """The row's claim ran out mid-delivery and another sender took it over."""


class Sender:
    def __init__(self, settings: Settings, db: Database, channels: Mapping[str, Channel]) -> None:
        self.settings = settings
        self.db = db
        self.channels = channels
        self.wake = asyncio.Event()
        self.delivered = asyncio.Condition()
        self.failures = 0
        # how long before its claim ends a row is no longer sent: a platform call's time limit,
        # at most a quarter of the claim
        self._send_margin = dt.timedelta(
            seconds=min(settings.platform_timeout_s, settings.sender_claim_s / 4)
        )

    def nudge(self) -> None:
        self.wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Passes in a loop. A pass that claimed a full load of rows lets the next claim start at
        once, while its rows are still being sent and recorded: up to SENDER_PASSES passes in
        flight, as that many senders would be. Claimed rows are `sending`, so no other pass takes
        them, and a conversation's later row waits behind them: the order per conversation is kept
        by the claim, whichever pass holds the earlier row."""
        self.failures = 0
        passes: set[asyncio.Task] = set()
        try:
            while not stop.is_set():
                busy = await self._start_pass(passes)
                if busy:
                    continue
                await self._idle()
        finally:
            if passes:
                await asyncio.gather(*passes, return_exceptions=True)

    async def _start_pass(self, passes: set[asyncio.Task]) -> bool:
        """Claim and start one pass; True when the next claim should follow at once."""
        while len(passes) >= max(1, self.settings.sender_passes):
            await asyncio.wait(passes, return_when=asyncio.FIRST_COMPLETED)
        self.wake.clear()
        try:
            rows, facts = await self._claim()
        except Exception as exc:  # e.g. the database is unreachable: back off
            self._failed(exc)
            return False
        if not rows:
            self.failures = 0
            return False
        task = asyncio.create_task(self._pass(rows, facts))
        passes.add(task)
        task.add_done_callback(passes.discard)
        return len(rows) >= PASS_ROWS and not self.failures

    async def _pass(self, rows: list, facts: dict) -> None:
        try:
            await self._deliver_claimed(rows, facts)
            self.failures = 0
        except Exception as exc:  # the rows stay claimed: taken again when their claim runs out
            self._failed(exc)
        finally:
            self.wake.set()  # the rows that waited behind this pass's may be due now

    def _failed(self, exc: BaseException) -> None:
        self.failures += 1
        (log.exception if self.failures == 1 else log.warning)("outbox pass failed: %r", exc)

    async def _idle(self) -> None:
        """Until a worker commits a turn, a pass ends (a conversation's next row may be due), or
        the poll interval (longer after failures). The wake-up was cleared before the last claim,
        so one that came while it ran is not lost."""
        pause = self.settings.sender_poll_s
        if self.failures:
            pause = max(pause, min(PASS_RETRY_MAX_S, PASS_RETRY_FIRST_S * 2 ** (self.failures - 1)))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.wake.wait(), timeout=pause)

    async def _claim(self) -> tuple[list, dict[int, tuple[str, dt.datetime | None]]]:
        """Due rows, claimed; with, for each, who wrote it and when the citizen last wrote (the
        reply window's facts), read in the same transaction rather than one query per row. On
        PostgreSQL the claim is one statement on asyncpg (`store_pg.claim_outbox`: the same
        conditions, rows locked with FOR UPDATE SKIP LOCKED); on SQLite (one writer) the query
        below."""
        now = utcnow()
        until = now + dt.timedelta(seconds=self.settings.sender_claim_s)
        if not self.db.is_sqlite:
            async with self.db.session() as s, s.begin():
                return await store_pg.claim_outbox(s, now, until)  # held rows released first
        earlier = aliased(Outbox)
        # Only a conversation's earliest unfinished row is due: a later row waits until every
        # earlier one is sent or failed. (Letting a later row go when the earlier one is due too
        # raced between senders: one claimed the earlier row while another, not seeing that claim
        # yet, claimed the later one, and they went out of order — found by the fault test.)
        blocked = exists().where(
            earlier.conversation_id == Outbox.conversation_id,
            earlier.id < Outbox.id,
            earlier.status.in_(UNFINISHED),
        )
        due = or_(
            and_(Outbox.status == "pending", Outbox.next_attempt_at <= now),
            and_(Outbox.status == "sending", Outbox.claimed_until <= now),
        )
        async with self.db.session() as s, s.begin():
            await self._release_held(s, now)
            query = select(Outbox).where(due, ~blocked).order_by(Outbox.id).limit(PASS_ROWS)
            rows = list((await s.execute(query)).scalars())
            facts: dict[int, tuple[str, dt.datetime | None]] = {}
            if rows:
                ids = [r.id for r in rows]
                await s.execute(
                    update(Outbox).where(Outbox.id.in_(ids)).values(status="sending", claimed_until=until)
                )
                windowed = [r.id for r in rows if self._windowed(r.channel)]
                if windowed:
                    found = await s.execute(
                        select(Outbox.id, MessageLog.author, Conversation.last_inbound_at)
                        .join(MessageLog, MessageLog.id == Outbox.message_id)
                        .join(Conversation, Conversation.id == MessageLog.conversation_id)
                        .where(Outbox.id.in_(windowed))
                    )
                    facts = {i: (author, last) for i, author, last in found}
        for row in rows:
            row.claimed_until = until  # this sender's claim: later writes to the row check it
        return rows, facts

    def _windowed(self, channel_name: str) -> bool:
        channel = self.channels.get(channel_name)
        return channel is not None and (
            channel.reply_window("bot") is not None or channel.reply_window("officer") is not None
        )

    @staticmethod
    async def _release_held(s, now: dt.datetime) -> None:
        """Held rows (outside a reply window) become due again once the citizen wrote after they
        were held (`next_attempt_at` of a held row is when it was held); `_claim` keeps the order."""
        wrote_since = exists().where(
            Conversation.id == Outbox.conversation_id, Conversation.last_inbound_at > Outbox.next_attempt_at
        )
        await s.execute(
            update(Outbox)
            .where(Outbox.status == "held", wrote_since)
            .values(status="pending", next_attempt_at=now, claimed_until=None)
            .execution_options(synchronize_session=False)
        )

    async def deliver_due(self) -> bool:
        """One pass: claim the due rows, send them, record the outcomes. False if none was due."""
        rows, facts = await self._claim()
        if not rows:
            return False
        await self._deliver_claimed(rows, facts)
        return True

    async def _deliver_claimed(self, rows: list, facts: dict) -> None:
        by_conversation: dict[int, list[Outbox]] = defaultdict(list)
        for row in rows:
            by_conversation[row.conversation_id].append(row)
        sent: list[Outbox] = []  # delivered under the pass's claim: recorded together below
        try:
            # every conversation's deliveries run to their end before the pass records them: with
            # a plain gather, the first failure would record `sent` while the others still send,
            # and what they sent after it would be left `sending`, to be sent again
            outcomes = await asyncio.gather(
                *(self._deliver_in_order(group, facts, sent) for group in by_conversation.values()),
                return_exceptions=True,
            )
        finally:
            if sent:
                await self._record_sent(sent)
        failed = next((o for o in outcomes if isinstance(o, BaseException)), None)
        if failed is not None:
            raise failed
        async with self.delivered:
            self.delivered.notify_all()

    async def _deliver_in_order(self, rows: list[Outbox], facts: dict, sent: list[Outbox]) -> None:
        for i, row in enumerate(rows):
            if not await self._deliver(row, facts, sent):
                # keep order: give the rest back untouched, to go after this one (only rows still
                # under this pass's claim: one that ran out may be another sender's by now)
                rest = rows[i + 1 :]
                if rest:
                    async with self.db.session() as s, s.begin():
                        await s.execute(
                            update(Outbox)
                            .where(
                                Outbox.id.in_([r.id for r in rest]),
                                Outbox.claimed_until == rest[0].claimed_until,
                            )
                            .values(status="pending", claimed_until=None)
                        )
                return

    async def _deliver(self, row: Outbox, facts: dict, sent: list[Outbox]) -> bool:
        with correlated((row.payload or {}).get("correlation_id")):
            return await self._deliver_row(row, facts, sent)

    async def _deliver_row(self, row: Outbox, facts: dict, sent: list[Outbox]) -> bool:
        """Send one row. A success under the pass's claim joins `sent` (one UPDATE for the pass);
        any other outcome is written at once."""
        channel = self.channels.get(row.channel)
        values: dict
        ok = False
        if channel is None:
            values = {"status": "failed", "last_error": f"no channel '{row.channel}' configured"}
            metrics.OUTBOX_FAILED.labels(row.channel).inc()
        else:
            try:
                claimed = row.claimed_until
                if claimed is not None and utcnow() + self._send_margin >= claimed:
                    # a send started now could still run when the claim ends, and another pass or
                    # sender would take the row and send it again: leave it to that one
                    raise ClaimLost(f"outbox {row.id}: its claim ends before a send could")
                delivery = self._delivery(row, facts)
                window = channel.reply_window(delivery.author)
                last = delivery.last_inbound_at
                if window is not None and (last is None or utcnow() - last > window):
                    raise OutsideWindow(f"outside the {window} reply window for a {delivery.author} message")
                token = DELIVERY.set(delivery)
                try:
                    await channel.send(row.recipient, row.payload)
                finally:
                    DELIVERY.reset(token)
            except ClaimLost:
                log.warning("outbox %s: claim lost mid-delivery; another sender continues it", row.id)
                return False
            except OutsideWindow as exc:
                # held until the citizen writes again; later rows of the conversation wait behind it
                values = {
                    "status": "held",
                    "attempts": row.attempts,
                    "last_error": f"held: {exc}"[:2000],
                    "next_attempt_at": utcnow(),
                }
                log.info("outbox %s held: %s", row.id, exc)
            except PermanentSendError as exc:
                values = {"status": "failed", "attempts": row.attempts + 1, "last_error": str(exc)[:2000]}
                metrics.OUTBOX_FAILED.labels(row.channel).inc()
            except Exception as exc:  # transient: network, 5xx, rate limits
                attempts = row.attempts + 1
                if attempts >= self.settings.sender_max_attempts:
                    values = {"status": "failed", "attempts": attempts, "last_error": repr(exc)[:2000]}
                    metrics.OUTBOX_FAILED.labels(row.channel).inc()
                else:
                    delay = self.settings.sender_backoff_base_s * 2 ** (attempts - 1)
                    delay *= random.uniform(0.5, 1.5)  # jitter
                    if isinstance(exc, RetryLater) and exc.after_s:
                        delay = max(delay, exc.after_s)  # the platform's Retry-After
                    values = {
                        "status": "pending",
                        "attempts": attempts,
                        "last_error": repr(exc)[:2000],
                        "next_attempt_at": utcnow() + dt.timedelta(seconds=delay),
                    }
                    metrics.OUTBOX_RETRIES.labels(row.channel).inc()
                log.warning("sending outbox %s failed (%s attempt(s)): %r", row.id, attempts, exc)
            else:
                values = {
                    "status": "sent",
                    "attempts": row.attempts + 1,
                    "sent_at": utcnow(),
                    "last_error": None,
                }
                metrics.OUTBOX_SENT.labels(row.channel).inc()
                log.debug("outbox %s delivered to %s", row.id, row.channel)
                if row.claimed_until == claimed:  # no part recorded on its own: the claim is the pass's
                    sent.append(row)
                    return True
                ok = True
        await self._record_outcome(row, values)
        return ok

    async def _record_sent(self, rows: list[Outbox]) -> None:
        """Record the pass's deliveries in one statement (each row still under this sender's claim)."""
        by_claim: dict[dt.datetime | None, list[int]] = defaultdict(list)
        for row in rows:
            by_claim[row.claimed_until].append(row.id)
        now = utcnow()
        for until, ids in by_claim.items():
            if not self.db.is_sqlite:
                await self._write(
                    lambda s, ids=ids, until=until: store_pg.record_sent(s, ids, until, now),
                    until,
                    f"{len(ids)} deliveries",
                )
                continue
            statement = (
                update(Outbox)
                .where(Outbox.id.in_(ids), Outbox.claimed_until == until)
                .values(
                    status="sent",
                    attempts=Outbox.attempts + 1,
                    sent_at=now,
                    last_error=None,
                    claimed_until=None,
                )
            )
            await self._write(statement, until, f"{len(ids)} deliveries")

    async def _record_outcome(self, row: Outbox, values: dict) -> None:
        """Write the delivery's outcome. If the database is unreachable right after a platform
        accepted the message, keep trying while the row's claim lasts: giving up would leave the
        row to be sent a second time when the claim runs out."""
        statement = (
            update(Outbox)
            .where(Outbox.id == row.id, Outbox.claimed_until == row.claimed_until)
            .values(claimed_until=None, **values)
        )
        await self._write(statement, row.claimed_until, f"outbox {row.id} {values['status']}")

    async def _write(self, statement, claimed_until: dt.datetime | None, what: str) -> None:
        """Run an outcome's UPDATE (a statement, or a function of the session that runs it),
        retrying while the claim lasts."""
        delay = PASS_RETRY_FIRST_S
        while True:
            try:
                async with self.db.session() as s, s.begin():
                    await (statement(s) if callable(statement) else s.execute(statement))
                return
            except Exception as exc:
                left = (claimed_until - utcnow()).total_seconds() if claimed_until else 0
                if left <= delay + 1:
                    raise
                log.warning("recording %s failed (%r); retrying", what, exc)
                await asyncio.sleep(delay)
                delay = min(delay * 2, PASS_RETRY_MAX_S)

    async def _record_parts(self, row: Outbox, n: int) -> None:
        """Record `n` parts as accepted and renew the claim, unless another sender has taken the
        row over (its claim ran out): then stop, and leave the row to that sender."""
        until = utcnow() + dt.timedelta(seconds=self.settings.sender_claim_s)
        async with self.db.session() as s, s.begin():
            done = await s.execute(
                update(Outbox)
                .where(Outbox.id == row.id, Outbox.claimed_until == row.claimed_until)
                .values(parts_sent=n, claimed_until=until)
            )
        if done.rowcount != 1:
            raise ClaimLost(f"outbox {row.id}")
        row.claimed_until = until

    def _delivery(self, row: Outbox, facts: dict) -> Delivery:
        """Who wrote the row and when the citizen last wrote (read at the claim, for channels with
        a reply window), and how many of its parts were already accepted."""
        progress = {"parts_sent": row.parts_sent or 0, "record_parts": lambda n: self._record_parts(row, n)}
        author, last = facts.get(row.id, ("bot", None))
        if last is not None and last.tzinfo is None:
            last = last.replace(tzinfo=dt.UTC)  # SQLite returns naive UTC
        return Delivery(row.id, author, last, **progress)
