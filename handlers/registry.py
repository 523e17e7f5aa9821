"""Every channel the application knows, in one list. `bot.app` builds each configured one from
the runtime, mounts its routes in the web roles and registers it for sending: a new channel is
its module plus one entry here. The terminal channel is built by `python -m bot chat` alone."""

from __future__ import annotations

from core.channel import Channel
from handlers.messenger import MessengerChannel
from handlers.webchat import WebChannel
from handlers.zalo import ZaloChannel

CHANNELS: list[type[Channel]] = [WebChannel, ZaloChannel, MessengerChannel]
