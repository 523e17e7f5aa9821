"""A fake Graph API: POST /me/messages (messages and sender actions) with the 24 h / HUMAN_AGENT
windows."""

from __future__ import annotations

import uuid

from aiohttp import web

from .base import Failure, FakeServer

OUTSIDE = {
    "error": {
        "message": "(#10) This message is sent outside of allowed window.",
        "type": "OAuthException",
        "code": 10,
        "error_subcode": 2018278,
        "fbtrace_id": "Afake",
    }
}


class FakeGraph(FakeServer):
    def __init__(self, *, page_token: str = "page-token") -> None:
        super().__init__()
        self.page_token = page_token
        self.outside_24h: set[str] = set()  # PSIDs whose last message is older than 24 h
        self.outside_7d: set[str] = set()  # ... older than 7 days (HUMAN_AGENT refused too)
        self.app.router.add_post("/me/messages", self._messages)

    def throttle(self, times: int = 1) -> None:
        """The next `times` calls are refused with the page rate limit (code 613)."""
        self.fail_next(
            *[
                Failure(
                    status=400,
                    body={
                        "error": {
                            "message": "(#613) Calls to this api have exceeded the rate limit.",
                            "type": "OAuthException",
                            "code": 613,
                        }
                    },
                )
                for _ in range(times)
            ]
        )

    @property
    def sent(self) -> list[dict]:
        return [r.body for r in self.calls("/me/messages") if getattr(r, "ok", False) and "message" in r.body]

    @property
    def actions(self) -> list[dict]:
        return [r.body for r in self.calls("/me/messages") if "sender_action" in r.body]

    def texts(self, user: str | None = None) -> list[str]:
        return [
            b["message"].get("text", "") for b in self.sent if user is None or b["recipient"]["id"] == user
        ]

    async def _messages(self, request: web.Request) -> web.Response:
        body = await request.json()
        rec = await self.record(request, body)
        scripted = await self.scripted()
        if scripted is not None:
            return scripted
        if request.query.get("access_token") != self.page_token:
            return web.json_response(
                {"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190}},
                status=400,
            )
        psid = body.get("recipient", {}).get("id")
        if "message" in body:
            tagged = body.get("messaging_type") == "MESSAGE_TAG" and body.get("tag") == "HUMAN_AGENT"
            if psid in self.outside_7d or (psid in self.outside_24h and not tagged):
                return web.json_response(OUTSIDE, status=400)
            qrs = body["message"].get("quick_replies") or []
            if len(qrs) > 13 or any(len(q["title"]) > 20 for q in qrs):
                return web.json_response(
                    {"error": {"message": "(#100) Invalid quick replies", "code": 100}}, status=400
                )
            if len(body["message"].get("text", "")) > 2000:
                return web.json_response(
                    {
                        "error": {
                            "message": "(#100) Length of param message[text] must be less than or equal to 2000",
                            "code": 100,
                        }
                    },
                    status=400,
                )
        rec.ok = True
        return web.json_response({"recipient_id": psid, "message_id": "m_" + uuid.uuid4().hex})
