"""A fake Zalo OpenAPI (+ OAuth refresh): message/cs, upload/image, v4 access_token."""

from __future__ import annotations

import asyncio
import uuid

from aiohttp import web

from .base import Failure, FakeServer


class FakeZalo(FakeServer):
    def __init__(
        self,
        *,
        access_token: str = "zalo-at-0",
        refresh_token: str = "zalo-rt-0",
        app_secret: str = "zalo-app-secret",
    ) -> None:
        super().__init__()
        self.valid_tokens = {access_token}
        self.refresh_token = refresh_token
        self.app_secret = app_secret
        self.outside_window: set[str] = set()  # users who have not interacted for 7 days (-230)
        self.refresh_delay_s = 0.0
        self.generation = 0
        self.app.router.add_post("/v3.0/oa/message/cs", self._message)
        self.app.router.add_post("/v3.0/oa/message/transaction", self._message)
        self.app.router.add_post("/v2.0/oa/upload/image", self._upload)
        self.app.router.add_post("/v4/oa/access_token", self._refresh)

    def throttle(self, times: int = 1) -> None:
        """The next `times` calls are refused with Zalo's rate limit (-32, as HTTP 200)."""
        self.fail_next(
            *[Failure(body={"error": -32, "message": "Request rate limit exceeded"}) for _ in range(times)]
        )

    @property
    def sent(self) -> list[dict]:
        """Bodies of successful message calls, in order."""
        return [r.body for r in self.calls("/v3.0/oa/message/cs") if getattr(r, "ok", False)]

    def texts(self, user: str | None = None) -> list[str]:
        return [
            b["message"].get("text", "")
            for b in self.sent
            if user is None or b["recipient"]["user_id"] == user
        ]

    def revoke_all_tokens(self) -> None:
        self.valid_tokens.clear()

    async def _message(self, request: web.Request) -> web.Response:
        body = await request.json()
        rec = await self.record(request, body)
        scripted = await self.scripted()
        if scripted is not None:
            return scripted
        if request.headers.get("access_token") not in self.valid_tokens:
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        if body.get("recipient", {}).get("user_id") in self.outside_window:
            return web.json_response(
                {"error": -230, "message": "User has not interacted with the OA in 7 days"}
            )
        rec.ok = True
        return web.json_response(
            {
                "error": 0,
                "message": "Success",
                "data": {"message_id": uuid.uuid4().hex, "user_id": body["recipient"]["user_id"]},
            }
        )

    async def _upload(self, request: web.Request) -> web.Response:
        form = await request.post()
        f = form.get("file")
        data = f.file.read() if hasattr(f, "file") else b""
        await self.record(request, {"file_size": len(data)})
        if request.headers.get("access_token") not in self.valid_tokens:
            return web.json_response({"error": -216, "message": "Access token is invalid"})
        return web.json_response(
            {"error": 0, "message": "Success", "data": {"attachment_id": "att-" + uuid.uuid4().hex}}
        )

    async def _refresh(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        await self.record(request, form)
        if self.refresh_delay_s:
            await asyncio.sleep(self.refresh_delay_s)
        if request.headers.get("secret_key") != self.app_secret:
            return web.json_response({"error": -14002, "error_name": "Invalid secret key"})
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != self.refresh_token:
            return web.json_response({"error": -14014, "error_name": "Invalid refresh token"})
        self.generation += 1
        access = f"zalo-at-{self.generation}"
        self.refresh_token = f"zalo-rt-{self.generation}"  # single use: replaced each time
        self.valid_tokens = {access}
        return web.json_response(
            {"access_token": access, "refresh_token": self.refresh_token, "expires_in": "90000"}
        )
