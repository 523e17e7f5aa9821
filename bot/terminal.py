"""`python -m bot chat`: the terminal channel, through the same queue, worker and outbox."""

from __future__ import annotations

import asyncio
import shlex
import sys
import uuid
from pathlib import Path

from core.events import Attachment, InboundEvent
from bot.runtime import Runtime
from core.settings import Settings
from handlers.cli import CliChannel

HELP = "Gõ tin nhắn rồi Enter. Gửi ảnh: /anh ĐƯỜNG_DẪN_TỆP. Thoát: /thoat hoặc Ctrl-D."


def _event_for(line: str, user: str, runtime: Runtime) -> InboundEvent | None:
    mid = uuid.uuid4().hex
    if line.startswith(("/anh", "/photo")):
        parts = shlex.split(line)[1:]
        if not parts:
            print("Cần đường dẫn tệp ảnh, ví dụ: /anh ~/giay_chung_sinh.jpg")
            return None
        attachments = []
        for raw in parts:
            path = Path(raw).expanduser()
            if not path.is_file():
                print(f"Không thấy tệp {path}")
                return None
            data = path.read_bytes()
            if len(data) > runtime.settings.max_upload_bytes:
                attachments.append(Attachment(type="file", name=path.name, problem="too_large"))
                continue
            stored = runtime.media.store(data, "cli")
            if stored.kind is None:
                attachments.append(Attachment(type="file", name=path.name, problem="not_image", size=len(data)))
            else:
                attachments.append(Attachment(type="image", path=stored.path, name=path.name, size=stored.size,
                                              content_type=stored.content_type, sha256=stored.sha256))
        kind = "image" if all(a.type == "image" for a in attachments) else "file"
        return InboundEvent(channel="cli", user_id=user, message_id=mid, kind=kind, attachments=tuple(attachments))
    return InboundEvent(channel="cli", user_id=user, message_id=mid, text=line)


async def run_chat(settings: Settings, user: str) -> int:
    from core.db.migrate import upgrade_async

    await upgrade_async(settings.resolved_database_url)
    runtime = Runtime(settings)
    runtime.add_channel(CliChannel(lambda text: print(f"\nMotCua: {text}\n", flush=True)))
    await runtime.start(workers=1, sender=True)
    print(HELP)
    loop = asyncio.get_running_loop()
    try:
        await runtime.submit(InboundEvent(channel="cli", user_id=user, message_id=uuid.uuid4().hex, text="Xin chào"))
        while True:
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line:
                break
            line = line.strip()
            if line in {"/thoat", "/quit", "/exit"}:
                break
            if not line:
                continue
            event = _event_for(line, user, runtime)
            if event is not None:
                await runtime.submit(event)
        await asyncio.sleep(0.5)  # let the last replies be delivered
    finally:
        await runtime.stop()
    return 0
