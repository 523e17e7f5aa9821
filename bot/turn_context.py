"""What the dialogue may do outside its own state during one turn (`flows.turn.Context`):
dossier rows, documents, photo checks, receipts, audit lines — inside the worker's transaction."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any

from sqlalchemy import select

from bot import ocr_pool
from core import metrics, store
from core.db import Dossier, DossierDocument, SurveyAnswer
from core.db.models import utcnow
from core.events import Attachment
from core.media import MediaStore
from core.settings import Settings
from services import citizen_actions

log = logging.getLogger(__name__)


class TurnContext:
    """The engine's window on the world for one event, bound to the worker's transaction."""

    def __init__(
        self,
        session,
        conv,
        settings: Settings,
        media: MediaStore,
        now: dt.datetime,
        idle_seconds: float | None = None,
        prechecked: dict[tuple[str, str], dict[str, Any]] | None = None,
    ) -> None:
        self.prechecked = dict(prechecked or {})  # photo checks the worker ran before the transaction
        self.session = session
        self.conv = conv
        self.settings = settings
        self.media = media
        self.now = now
        self.idle_seconds = idle_seconds
        self.agency_name = settings.agency_name
        self.agency_code = settings.agency_code
        self.erased = False  # the citizen had their data erased in this turn

    async def create_dossier(self, procedure: str) -> int:
        dossier = Dossier(
            conversation_id=self.conv.id,
            citizen_id=self.conv.citizen_id,
            agency=self.settings.agency_code,
            procedure=procedure,
            status="draft",
            fields={},
        )
        self.session.add(dossier)
        await self.session.flush()
        return dossier.id

    async def add_document(
        self,
        dossier_id: int,
        doc_key: str,
        attachment: Attachment,
        quality: dict,
        reading: dict | None = None,
    ) -> None:
        if reading and reading.get("clean_pages"):  # a paper: its cleaned pages as one PDF
            reading = {**reading, **await self._document_pdf(reading["clean_pages"])}
        self.session.add(
            DossierDocument(
                dossier_id=dossier_id,
                doc_key=doc_key,
                file_path=attachment.path or "",
                content_type=attachment.content_type or "application/octet-stream",
                size=attachment.size or 0,
                sha256=attachment.sha256 or "",
                quality=quality,
                reading=reading,
            )
        )
        await self.session.flush()

    async def _document_pdf(self, pages: list[str]) -> dict[str, Any]:
        from ocr.scan import document_pdf

        def build() -> dict[str, Any]:
            jpegs = [self.media.full_path(p).read_bytes() for p in pages]
            pdf = document_pdf(jpegs)
            return {"clean_pdf": self.media.store(pdf, "pages").path, "clean_pdf_size": len(pdf)}

        try:
            return await asyncio.to_thread(build)
        except Exception:  # the original photos stay; the officer sees no cleaned copy
            log.exception("building the document PDF failed")
            return {}

    async def confirm_reading(self, dossier_id: int, doc_key: str, fields: dict[str, str]) -> None:
        doc = (
            await self.session.execute(
                select(DossierDocument)
                .where(DossierDocument.dossier_id == dossier_id, DossierDocument.doc_key == doc_key)
                .order_by(DossierDocument.id.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
        if doc is not None:
            doc.confirmed = dict(fields)

    async def previous_id_card(self) -> dict[str, Any] | None:
        """The newest ID card this citizen confirmed in an earlier dossier ("only once")."""
        row = (
            await self.session.execute(
                select(DossierDocument)
                .join(Dossier, Dossier.id == DossierDocument.dossier_id)
                .where(
                    Dossier.citizen_id == self.conv.citizen_id,
                    DossierDocument.confirmed.is_not(None),
                    Dossier.status != "draft",
                )
                .order_by(DossierDocument.id.desc())
                .limit(1)
            )
        ).scalar_one_or_none()
        if row is None or not (row.confirmed or {}).get("id_number"):
            return None
        return {
            **row.confirmed,
            "path": row.file_path,
            "content_type": row.content_type,
            "size": row.size,
            "sha256": row.sha256,
            "document_id": row.id,
        }

    async def my_dossiers(self) -> list[tuple[str, str, str]]:
        rows = (
            await self.session.execute(
                select(Dossier.id, Dossier.code, Dossier.procedure, Dossier.status)
                .where(Dossier.citizen_id == self.conv.citizen_id, Dossier.code.is_not(None))
                .order_by(Dossier.id.desc())
                .limit(20)
            )
        ).all()
        shown = await citizen_actions.citizen_statuses(self.session, [(r.id, r.status) for r in rows])
        return [(r.code, r.procedure, shown[r.id]) for r in rows]

    async def withdraw_dossier(self, code: str) -> bool:
        return await citizen_actions.withdraw_by_citizen(self.session, code, self.conv.citizen_id)

    async def supplement_received(self, dossier_id: int, documents: list[str]) -> str | None:
        return await citizen_actions.supplement_received(self.session, dossier_id, documents)

    async def officer_waiting(self) -> dict[str, Any] | None:
        window = dt.timedelta(hours=self.settings.officer_answer_window_h)
        return await citizen_actions.officer_waiting(self.session, self.conv.id, window)

    async def waiting_for_papers(self) -> dict[str, Any] | None:
        return await citizen_actions.waiting_for_papers(self.session, self.conv.citizen_id)

    async def make_receipt(self, code: str, lines: list[str]) -> str | None:
        from flows.receipt import render_receipt

        png = await asyncio.to_thread(render_receipt, code, lines)
        return (await asyncio.to_thread(self.media.store, png, "receipts")).path

    async def route_dossier(self, dossier_id: int, agency_code: str) -> None:
        """The office that takes the dossier (its officers see it; its code prefixes the code)."""
        dossier = await self.session.get(Dossier, dossier_id)
        assert dossier is not None
        dossier.agency = agency_code

    async def submit_dossier(self, dossier_id: int, fields: dict[str, Any], due: dt.date) -> str:
        dossier = await self.session.get(Dossier, dossier_id)
        assert dossier is not None
        code = await store.assign_dossier_code(self.session, dossier.agency, self.now.date())
        dossier.code = code
        dossier.fields = fields
        dossier.status = "submitted"
        dossier.submitted_at = utcnow()
        dossier.due_date = due
        store.audit(self.session, f"citizen:{self.conv.citizen_id}", "submitted", {"code": code}, dossier_id)
        metrics.DOSSIERS.labels(dossier.procedure).inc()
        return code

    async def dossier_status(self, code: str) -> tuple[str, str] | None:
        dossier = await store.dossier_by_code(self.session, code)
        if dossier is None or dossier.citizen_id != self.conv.citizen_id:
            return None  # a citizen sees only their own dossiers
        shown = await citizen_actions.citizen_statuses(self.session, [(dossier.id, dossier.status)])
        return dossier.procedure, shown[dossier.id]

    async def check_photo(self, attachment: Attachment, expect: str) -> dict[str, Any]:
        done = self.prechecked.pop((attachment.path or "", expect), None)
        if done is not None:
            return done
        return await check_photo(self.media, attachment, expect)

    async def audit(self, action: str, data: dict[str, Any], dossier_id: int | None = None) -> None:
        store.audit(self.session, f"citizen:{self.conv.citizen_id}", action, data, dossier_id)

    async def record_survey(
        self,
        dossier_id: int | None,
        survey: str,
        question: str,
        answer: str | None,
        score: int | None = None,
        comment: str | None = None,
    ) -> None:
        self.session.add(
            SurveyAnswer(
                dossier_id=dossier_id,
                conversation_id=self.conv.id,
                channel=self.conv.channel,
                survey=survey,
                question=question,
                answer=answer,
                score=score,
                comment=comment,
            )
        )

    async def erase_my_data(self) -> int:
        from services.retention import erase_citizen

        self.erased = True
        return await erase_citizen(self.session, self.media, self.conv.citizen_id)


async def check_photo(media: MediaStore, attachment: Attachment, expect: str) -> dict[str, Any]:
    """The photo check the dialogue asks for (`expect`: what the document should be), in the OCR
    processes: the event loop stays free."""
    if not attachment.path:
        return {"quality": {"ok": False, "problems": ["unreadable_file"]}}
    path = media.full_path(attachment.path)
    if expect == "":  # a photo nothing asked for: its quality, and which paper it is (nothing stored)
        return await ocr_pool.stray(path)
    if expect != "paper":  # "id_card"
        return await ocr_pool.analyze(path, expect)
    # a paper: every page (a photo, or each page of a PDF) checked, cleaned and typed; the
    # cleaned pages are stored for the document's PDF (the original stays as received)
    done = await ocr_pool.scan(path)
    pages = []
    for page in done["pages"]:
        clean = None
        if page["jpeg"]:
            clean = (await asyncio.to_thread(media.store, page["jpeg"], "pages")).path
        pages.append({k: v for k, v in page.items() if k != "jpeg"} | {"clean": clean})
    return {**done["result"], "scan": {"page_count": done["page_count"], "pages": pages}}
