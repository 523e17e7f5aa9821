"""The printed dossier: the dossier sheet (everything an officer sees, with the documents' photos)
and the receipt (Mẫu 01, "Giấy tiếp nhận hồ sơ và hẹn trả kết quả") as PDF, built with fpdf2
and a Unicode TrueType font (handlers/print.yml lists the candidates). Texts from print.yml."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fpdf import FPDF
from PIL import Image, UnidentifiedImageError

from core.texts import Texts
from handlers.officer_render import vn_value
from services.audit_lines import vn_date

TEXTS = Texts.load(Path(__file__).with_name("print.yml"))
MAX_IMAGE_MM = (120.0, 85.0)


def _font() -> tuple[str, str]:
    for regular, bold in TEXTS.get("fonts"):
        if Path(regular).exists() and Path(bold).exists():
            return regular, bold
    raise RuntimeError("no Unicode TTF font for PDFs: install fonts-dejavu-core or fonts-noto-core")


class _Doc(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        regular, bold = _font()
        self.add_font("body", "", regular)
        self.add_font("body", "B", bold)
        self.set_margins(18, 15, 18)
        self.set_auto_page_break(True, 15)
        self.add_page()
        self.set_font("body", size=11)

    def line_text(
        self, text: str, *, size: float = 11, bold: bool = False, align: str = "L", h: float = 6
    ) -> None:
        self.set_font("body", "B" if bold else "", size)
        self.multi_cell(0, h, text, align=align, new_x="LMARGIN", new_y="NEXT")

    def pair(self, label: str, value: str) -> None:
        self.set_font("body", "B", 10)
        self.cell(45, 6, label)
        self.set_font("body", "", 10)
        self.multi_cell(0, 6, value or "", new_x="LMARGIN", new_y="NEXT")

    def heading(self, text: str) -> None:
        self.ln(3)
        self.line_text(text, size=12, bold=True)

    def photo(self, path: Path) -> bool:
        """The document's photo, scaled into the box; False when it cannot be read as an image."""
        try:
            with Image.open(path) as im:
                im.load()
                img = im.convert("RGB")
        except (OSError, UnidentifiedImageError, ValueError):
            return False
        w, h = img.size
        scale = min(MAX_IMAGE_MM[0] / w, MAX_IMAGE_MM[1] / h)
        if self.get_y() + h * scale > self.h - self.b_margin:
            self.add_page()
        buf = io.BytesIO()
        img.save(buf, "JPEG", quality=85)
        self.image(buf, w=w * scale, h=h * scale)
        self.ln(2)
        return True


def _local(value: str | None, tz: str) -> str:
    if not value:
        return ""
    return dt.datetime.fromisoformat(value).astimezone(ZoneInfo(tz)).strftime("%d/%m/%Y %H:%M")


def _national_header(pdf: _Doc) -> None:
    pdf.line_text(TEXTS("nation"), bold=True, align="C", size=11)
    pdf.line_text(TEXTS("motto"), bold=True, align="C", size=11)
    pdf.ln(3)


def dossier_sheet(
    d: dict[str, Any],
    *,
    paths: dict[int, Path],
    labels: dict[str, dict[str, str]],
    tz: str,
    officer: str,
) -> bytes:
    """`d`: the dossier as services.dossier_views.dossier_detail gives it; `paths`: each document
    id's stored file; `labels`: status, form-field and ID-field labels."""
    pdf = _Doc()
    rows = TEXTS.get("sheet.rows")
    _national_header(pdf)
    pdf.line_text(TEXTS("sheet.title"), size=15, bold=True, align="C", h=8)
    pdf.line_text(TEXTS("sheet.code", code=d["code"]), align="C")
    pdf.ln(2)
    pdf.pair(rows["applicant"], d.get("applicant_name") or "")
    pdf.pair(rows["phones"], ", ".join(d.get("applicant_phones") or []))
    pdf.pair(rows["procedure"], d["procedure_name"])
    pdf.pair(rows["status"], labels["status"].get(d["status"], d["status"]))
    pdf.pair(rows["submitted"], _local(d.get("submitted_at"), tz))
    if d.get("supplemented_at"):
        pdf.pair(rows["supplemented"], _local(d["supplemented_at"], tz))
    pdf.pair(rows["due"], vn_date(d.get("due_date")))
    pdf.pair(rows["assignee"], d.get("assignee") or "")
    if d.get("fields"):
        pdf.heading(TEXTS("sheet.fields"))
        for key, value in d["fields"].items():
            pdf.pair(labels["fields"].get(key, key), str(vn_value(value)))
    pdf.heading(TEXTS("sheet.documents"))
    if not d["documents"]:
        pdf.line_text(TEXTS("sheet.no_documents"))
    for doc in d["documents"]:
        pdf.line_text(doc["name"], bold=True, size=10)
        for f in (doc.get("reading") or {}).get("fields", []):
            value = f["confirmed"] if f["confirmed"] is not None else f["value"]
            pdf.pair(
                labels["id_fields"].get(f["name"], f["name"]), "" if value is None else str(vn_value(value))
            )
        for note in (doc.get("reading") or {}).get("notes", []):
            pdf.line_text("⚠ " + note, size=9)
        path = paths.get(doc["id"])
        if not (path and pdf.photo(path)):
            pdf.line_text(TEXTS("sheet.no_image", name=doc["name"]), size=9)
    pdf.heading(TEXTS("sheet.audit"))
    for e in d["audit"]:
        pdf.line_text(f"{_local(e['at'], tz)} · {e['who']}: {e['text']}", size=9, h=5)
    pdf.ln(4)
    now = dt.datetime.now(ZoneInfo(tz)).strftime("%d/%m/%Y %H:%M")
    pdf.line_text(TEXTS("sheet.printed", at=now, officer=officer), size=8)
    return bytes(pdf.output())


def receipt(
    d: dict[str, Any], *, agency: str, where: str, channel: str, received_at: str | None, tz: str
) -> bytes:
    """Mẫu 01 for an accepted dossier: who filed what, when, and the appointment date."""
    pdf = _Doc()
    r = TEXTS.get("receipt")
    pdf.line_text(r["form"], size=9, align="R")
    _national_header(pdf)
    pdf.line_text(r["title"], size=15, bold=True, align="C", h=8)
    pdf.line_text(r["code"].format(code=d["code"]), align="C")
    pdf.ln(3)
    pdf.line_text(r["office"].format(agency=agency))
    pdf.line_text(r["applicant"].format(name=d.get("applicant_name") or ""))
    pdf.line_text(r["phone"].format(phone=", ".join(d.get("applicant_phones") or [])))
    pdf.line_text(r["procedure"].format(procedure=d["procedure_name"]))
    pdf.line_text(r["documents"])
    # one line per paper: a photo sent again (a retake, a supplement) is the same paper
    papers = list(dict.fromkeys(doc.get("document") or doc["name"] for doc in d["documents"]))
    names = {doc.get("document") or doc["name"]: doc["name"] for doc in d["documents"]}
    for n, key in enumerate(papers, 1):
        pdf.line_text(r["document_line"].format(n=n, name=names[key]), size=10)
    pdf.line_text(r["channel"].format(channel=channel))
    pdf.line_text(r["received"].format(at=_local(received_at, tz)))
    pdf.line_text(r["due"].format(due=vn_date(d.get("due_date"))), bold=True)
    pdf.line_text(r["where"].format(where=where))
    pdf.ln(8)
    y = pdf.get_y()
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    for i, key in enumerate(("sign_citizen", "sign_officer")):
        pdf.set_xy(pdf.l_margin + i * half, y)
        pdf.set_font("body", "B", 10)
        pdf.cell(half, 6, r[key], align="C")
        pdf.set_xy(pdf.l_margin + i * half, y + 6)
        pdf.set_font("body", "", 9)
        pdf.cell(half, 6, r["sign_hint"], align="C")
    return bytes(pdf.output())
