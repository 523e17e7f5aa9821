"""The Zalo OA access token: cached in-process, persisted (sealed) in `platform_token`, refreshed
under a lock so two workers never both spend the single-use refresh token."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable

import aiohttp
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from core.db.models import PlatformToken, utcnow
from core.sealing import SealError, needs_reseal, seal, unseal

log = logging.getLogger(__name__)


class TokenError(Exception):
    pass


class ZaloTokens:
    """The OA access token: cached in-process, persisted in `platform_token`, refreshed under a
    lock (Redis lock with REDIS_URL, asyncio lock otherwise) so two workers never both spend the
    single-use refresh token."""

    def __init__(self, settings, db, queue, http: Callable[[], aiohttp.ClientSession]) -> None:
        self.settings = settings
        self.db = db
        self.queue = queue
        self._http = http
        self.key = f"zalo:{settings.zalo_app_id}"
        self.access: str | None = None
        self.expires_at: dt.datetime | None = None

    def _expiring(self) -> bool:
        if self.expires_at is None:
            return False
        margin = dt.timedelta(seconds=self.settings.zalo_token_refresh_margin_s)
        return utcnow() + margin >= self.expires_at

    async def get(self) -> str:
        if self.access is None:
            await self._load()
        if self._expiring() or not self.access:
            await self.refresh(self.access)
        if not self.access:
            raise TokenError("no Zalo access token configured")
        return self.access

    async def _load(self) -> PlatformToken | None:
        async with self.db.session() as s:
            row = await s.get(PlatformToken, self.key)
        if row is None and (self.settings.zalo_access_token or self.settings.zalo_refresh_token):
            try:
                async with self.db.session() as s, s.begin():
                    s.add(
                        PlatformToken(
                            key=self.key,
                            access_token=self._seal(self.settings.zalo_access_token),
                            refresh_token=self._seal(self.settings.zalo_refresh_token),
                            expires_at=None,
                        )
                    )
            except IntegrityError:
                pass  # another process seeded it first
            async with self.db.session() as s:
                row = await s.get(PlatformToken, self.key)
        if row is not None:
            self.access = self._unseal(row.access_token)
            self.expires_at = row.expires_at
            secret = self.settings.secret_key
            if needs_reseal(secret, row.access_token) or needs_reseal(secret, row.refresh_token):
                # plain text from before sealing, or sealed under a previous key: seal it now
                # (only if the row is still what was read, so a concurrent refresh wins)
                async with self.db.session() as s, s.begin():
                    await s.execute(
                        update(PlatformToken)
                        .where(
                            PlatformToken.key == self.key,
                            PlatformToken.access_token == row.access_token,
                            PlatformToken.refresh_token == row.refresh_token,
                        )
                        .values(
                            access_token=self._seal(self.access),
                            refresh_token=self._seal(self._unseal(row.refresh_token)),
                        )
                    )
        return row

    def _seal(self, value: str) -> str:
        return seal(self.settings.secret_key, value) if value else ""

    def _unseal(self, stored: str) -> str:
        try:
            return unseal(self.settings.secret_key, stored, self.settings.secret_key_previous)
        except SealError as e:
            raise TokenError(
                f"stored Zalo token unreadable ({e}): put the old key in SECRET_KEY_PREVIOUS, "
                f"or set ZALO_REFRESH_TOKEN and delete the platform_token row {self.key!r}"
            ) from None

    async def refresh(self, stale: str | None) -> str:
        """A fresh access token. `stale` is the one that was refused (or is expiring): if another
        worker already replaced it, that new one is used and no refresh call is made."""
        async with self.queue.lock(f"token:{self.key}", 30.0):
            row = await self._load()
            if self.access and self.access != stale and not self._expiring():
                return self.access
            if row is None or not row.refresh_token:
                raise TokenError("no Zalo refresh token")
            url = f"{self.settings.zalo_oauth_base.rstrip('/')}/v4/oa/access_token"
            form = {
                "refresh_token": self._unseal(row.refresh_token),
                "app_id": self.settings.zalo_app_id,
                "grant_type": "refresh_token",
            }
            async with self._http().post(
                url, data=form, headers={"secret_key": self.settings.zalo_app_secret}
            ) as r:
                text = await r.text()
            try:
                answer = json.loads(text)
            except ValueError:
                answer = {}
            access, refresh = answer.get("access_token"), answer.get("refresh_token")
            if r.status != 200 or not access or not refresh:
                log.error("Zalo token refresh failed: HTTP %s %s", r.status, text[:300])
                raise TokenError(f"token refresh failed: HTTP {r.status} {text[:200]}")
            try:
                expires = utcnow() + dt.timedelta(seconds=int(str(answer.get("expires_in") or "90000")))
            except ValueError:
                expires = utcnow() + dt.timedelta(hours=25)
            async with self.db.session() as s, s.begin():
                await s.execute(
                    update(PlatformToken)
                    .where(PlatformToken.key == self.key)
                    .values(
                        access_token=self._seal(access),
                        refresh_token=self._seal(refresh),
                        expires_at=expires,
                        updated_at=utcnow(),
                    )
                )
            self.access, self.expires_at = access, expires
            log.info("Zalo access token refreshed (valid until %s)", expires.isoformat())
            return access
