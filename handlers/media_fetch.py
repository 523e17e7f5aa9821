"""Download platform media at once, in the worker (the `prepare` hook, before the transaction).

Only URLs the fetch rules allow are fetched (handlers/safe_fetch.py: https, the platforms' CDN
hosts, public addresses only, redirects on the same host); a refused URL is a "download_failed"
problem, counted in motcua_media_refused_total, never a request.

Platform URLs expire, so every attachment of an event is fetched together, with a size cap
(MAX_UPLOAD_BYTES), a timeout (MEDIA_DOWNLOAD_TIMEOUT_S) and content sniffing (the declared type
is never trusted). The bytes go under MEDIA_DIR; the attachment then carries `path`, or a
`problem` ("too_large", "not_image", "download_failed") the dialogue answers in Vietnamese.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import Any

import aiohttp

from core.events import Attachment, InboundEvent
from core.http import LazySession
from core.metrics import MEDIA_REFUSED
from handlers import safe_fetch

log = logging.getLogger(__name__)

DOWNLOADABLE = {"image", "file"}


class _TooLarge(Exception):
    pass


class MediaFetcher:
    def __init__(self, settings, media, channel: str, *, attempts: int = 2) -> None:
        self.settings = settings
        self.media = media
        self.channel = channel
        self.attempts = attempts
        self.policy = safe_fetch.Policy.from_settings(settings)
        self._http = LazySession(
            lambda: aiohttp.ClientTimeout(
                total=settings.media_download_timeout_s,
                sock_connect=min(10.0, settings.media_download_timeout_s),
            ),
            factory=lambda timeout: safe_fetch.session(self.policy, timeout),
        )

    async def close(self) -> None:
        await self._http.close()

    async def prepare(self, event: InboundEvent) -> InboundEvent:
        """The event with every remote attachment downloaded (all at once) and stored."""
        todo = [
            i
            for i, a in enumerate(event.attachments)
            if a.type in DOWNLOADABLE and a.url and not a.path and not a.problem
        ]
        if not todo:
            return event
        results = await asyncio.gather(*(self.fetch(event.attachments[i]) for i in todo))
        attachments = list(event.attachments)
        for i, att in zip(todo, results):
            attachments[i] = att
        kind = event.kind
        if kind in DOWNLOADABLE:
            kind = "image" if any(a.type == "image" for a in attachments) else "file"
        return dataclasses.replace(event, attachments=tuple(attachments), kind=kind)

    async def fetch(self, att: Attachment) -> Attachment:
        url = att.url or ""
        try:
            self.policy.check(url)
        except safe_fetch.Refused as exc:
            return self._refused(att, exc)
        limit = self.settings.max_upload_bytes
        if att.size and att.size > limit:
            return dataclasses.replace(att, problem="too_large")
        last: Any = None
        for attempt in range(self.attempts):
            try:
                data = await self._download(url, limit)
                break
            except _TooLarge:
                return dataclasses.replace(att, problem="too_large")
            except safe_fetch.Refused as exc:
                return self._refused(att, exc)
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                if safe_fetch.refused_connection(exc):
                    return self._refused(att, exc)
                last = exc
                if attempt + 1 < self.attempts:
                    await asyncio.sleep(0.3 * (attempt + 1))
        else:
            log.warning("download of a %s attachment failed: %r", self.channel, last)
            return dataclasses.replace(att, problem="download_failed")
        if not data:
            return dataclasses.replace(att, problem="download_failed")
        return await asyncio.to_thread(self.media.attachment, data, self.channel, received=att)

    def _refused(self, att: Attachment, exc: Exception) -> Attachment:
        log.warning("refused to fetch a %s attachment: %s", self.channel, exc)
        MEDIA_REFUSED.labels(self.channel).inc()
        return dataclasses.replace(att, problem="download_failed")

    async def _download(self, url: str, limit: int) -> bytes:
        return await safe_fetch.get(self._http(), self.policy, url, limit, _TooLarge)
