"""`python -m bot chat`: the terminal channel, through the same queue, worker and outbox."""

from __future__ import annotations

import asyncio
import sys

from bot.runtime import Runtime
from core.settings import Settings
from handlers.channel_texts import TEXTS
from handlers.cli import CliChannel

QUIT = {"/thoat", "/quit", "/exit"}


async def run_chat(settings: Settings, user: str) -> int:
    from core.db.migrate import upgrade_async

    await upgrade_async(settings.resolved_database_url)
    runtime = Runtime(settings)
    channel = CliChannel(runtime, write=lambda text: print(f"\nMotCua: {text}\n", flush=True))
    runtime.add_channel(channel)
    await runtime.start(workers=1, sender=True)
    print(TEXTS("cli.help"))
    loop = asyncio.get_running_loop()
    try:
        await runtime.submit(channel.hello(user))
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                break
            line = line.strip()
            if line in QUIT:
                break
            if not line:
                continue
            for event in channel.parse(line, user=user):
                await runtime.submit(event)
        await asyncio.sleep(0.5)  # let the last replies be delivered
    finally:
        await runtime.stop()
    return 0
