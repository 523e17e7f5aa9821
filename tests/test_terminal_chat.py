"""The terminal channel: `python -m bot chat` as a real subprocess, answered at its prompt,
through the same queue, worker and outbox, to a dossier code."""

from __future__ import annotations

import asyncio
import os
import re
import sys

from citizen import photo
from support import ROOT


async def test_a_birth_registration_in_the_terminal(tmp_path):
    paper = tmp_path / "giay chung sinh.jpg"  # a space in the name: the command line quotes it
    paper.write_bytes(photo("paper", seed=301))
    card = tmp_path / "can_cuoc.jpg"
    card.write_bytes(photo("cccd_front", seed=302))
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/motcua.db",
        REDIS_URL="",
        MEDIA_DIR=str(tmp_path / "media"),
        VAR_DIR=str(tmp_path / "var"),
        LOG_LEVEL="WARNING",
    )
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "chat",
        "--user",
        "nguoi_thu",
        cwd=ROOT,
        env=env,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    seen = ""

    async def until(text: str) -> str:
        nonlocal seen
        while text not in seen:
            chunk = await asyncio.wait_for(proc.stdout.read(4096), timeout=30)
            assert chunk, f"the chat ended before {text!r}:\n{seen}"
            seen += chunk.decode()
        before, _, seen = seen.partition(text)
        return before + text

    async def say(line: str) -> None:
        proc.stdin.write((line + "\n").encode())
        await proc.stdin.drain()

    try:
        await until("1. Có em bé")
        await say("1")
        await until("Bạn muốn làm cách nào")
        await say("2")
        await until("Bạn đồng ý không?")
        await say("1")
        await until("Bạn là bố hoặc mẹ của bé")
        await say("2")
        await until("Bước 1/2")
        await say(f'/anh "{paper}"')
        await until("Bước 2/2")
        await say(f"/anh {card}")
        read = await until("MotCua:")  # the next bot turn: either the card's reading or the next question
        read += await until("?")
        if "Mình đọc được trên thẻ" in read:
            await say("1")
        await until("Họ và tên dự kiến của bé")
        for line, prompt in (
            ("Nguyễn Minh An", "bé trai hay bé gái"),
            ("2", "Bé sinh ngày nào"),
            ("5/3/2026", "Số điện thoại"),
            ("0987654321", "Thông tin đã đúng chưa?"),
        ):
            await say(line)
            await until(prompt)
        await say("1")
        final = await until("Bạn lưu lại mã này")
        assert re.search(r"Mã hồ sơ của bạn: DEMO-\d{6}-\d{4}", final)
        await say("/thoat")
        assert await asyncio.wait_for(proc.wait(), timeout=20) == 0
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
