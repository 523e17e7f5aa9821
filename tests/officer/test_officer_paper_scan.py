"""The console shows a paper as its cleaned PDF (first page as the thumbnail), the original one
click away, the recognised type with its confidence and the page count; the worker builds that
PDF from the cleaned pages; the links are signed like the photos'."""

from __future__ import annotations

import re

import pypdfium2 as pdfium
from officer_kit import console_login, seed_dossier
from sqlalchemy import select

from bot.turn_context import TurnContext
from core.db import Dossier, DossierDocument
from core.events import Attachment
from ocr.scan import scan
from ocr.synth.paper import make_pdf


async def test_a_paper_is_shown_cleaned_with_its_type_and_pages(client, rt, tmp_path):
    data, n = make_pdf(35000, "hop_dong_thue_nha", photos=True)
    original = rt.media.store(data, "web").path
    done = scan(rt.media.full_path(original))
    assert done["page_count"] == n == 2
    clean = [rt.media.store(p["jpeg"], "pages").path for p in done["pages"]]
    code = await seed_dossier(rt, procedure="thuong_tru")
    async with rt.db.session() as s, s.begin():
        d = (await s.execute(select(Dossier).where(Dossier.code == code))).scalar_one()
        conv_id = d.conversation_id
        ctx = TurnContext.__new__(TurnContext)  # only what add_document needs
        ctx.session, ctx.media = s, rt.media
        reading = {
            "type": done["result"]["document"]["type"],
            "confidence": done["result"]["document"]["confidence"],
            "pages": 2,
            "clean_pages": clean,
            "originals": [original],
            "page_types": [p["type"] for p in done["pages"]],
            "wrong_paper": None,
        }
        att = Attachment(
            type="image", path=original, content_type="application/pdf", size=len(data), sha256="0" * 64
        )
        await ctx.add_document(d.id, "giay_to_cho_o", att, {"ok": True, "problems": []}, reading)
    async with rt.db.session() as s:
        doc = (
            await s.execute(select(DossierDocument).where(DossierDocument.file_path == original))
        ).scalar_one()
        assert doc.reading["clean_pdf"] and doc.reading["clean_pdf_size"] <= 300_000 * 2
        built = pdfium.PdfDocument(rt.media.full_path(doc.reading["clean_pdf"]).read_bytes())
        assert len(built) == 2
        built.close()
    assert conv_id
    await console_login(client, "lan")
    html = await (await client.get(f"/officer/dossiers/{code}")).text()
    assert "Bản quét PDF (2 trang)" in html
    assert "Hợp đồng thuê nhà" in html and "độ tin cậy" in html
    links = {m.group(1): m.group(0) for m in re.finditer(r'/officer/media/([cdp])\d+\?[^"]+', html)}
    assert set(links) >= {"c", "d", "p"}  # cleaned PDF, original, thumbnail
    pdf = await client.get(links["c"].replace("&amp;", "&"))
    assert pdf.status == 200 and pdf.headers["Content-Type"] == "application/pdf"
    thumb = await client.get(links["p"].replace("&amp;", "&"))
    assert thumb.status == 200 and thumb.headers["Content-Type"] == "image/jpeg"
    orig = await client.get(links["d"].replace("&amp;", "&"))
    assert orig.status == 200 and orig.headers["Content-Type"] == "application/pdf"
    unsigned = links["c"].split("?")[0]
    assert (await client.get(unsigned)).status == 403
