"""End to end in real headless Chromium (Debian's package, driven by Playwright): a citizen files a
birth registration through /chat on a server started as `make run` starts it; the dossier row is
then read from the server's database."""

from __future__ import annotations

import sqlite3

import pytest
from support import chromium, file_birth_registration_in_browser, served

pytestmark = pytest.mark.browser


async def test_citizen_files_a_birth_registration_in_the_browser(tmp_path):
    from playwright.async_api import expect

    with served(tmp_path) as base:
        async with chromium() as browser:
            page = await browser.new_page()
            code = await file_birth_registration_in_browser(page, base, tmp_path)
            receipt = page.locator("#thread li.bot img").last
            await expect(receipt).to_be_visible(timeout=20000)
            assert await receipt.evaluate("img => img.complete && img.naturalWidth > 300")

    with sqlite3.connect(tmp_path / "motcua.db") as conn:
        status, procedure, fields = conn.execute(
            "SELECT status, procedure, fields FROM dossier WHERE code = ?", (code,)
        ).fetchone()
        n_docs = conn.execute(
            "SELECT count(*) FROM dossier_document d JOIN dossier x ON x.id = d.dossier_id WHERE x.code = ?",
            (code,),
        ).fetchone()[0]
    assert (status, procedure, n_docs) == ("submitted", "khai_sinh", 2)
    assert '"child_name": "NGUYỄN MINH AN"' in fields or "NGUY\\u1ec4N MINH AN" in fields
