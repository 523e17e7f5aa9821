"""A citizen's photo from the chat (sent during a take-over, or beside the bot's questions)
attached by an officer to a document of the dossier: the stored file becomes a dossier document
of that key, marked as attached from the chat; audited."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from core import store
from core.db import Dossier, DossierDocument, MessageLog
from core.media import MediaStore
from services.dossiers import InvalidInput, need_act

if TYPE_CHECKING:
    from services.officers import Principal


def document_keys(proc) -> dict[str, str]:
    """Every document key of the procedure (alternatives included) with its name."""
    names: dict[str, str] = {}
    for doc in proc.documents if proc is not None else []:
        names[doc.key] = doc.name
        for alt in doc.alternatives:
            names[alt.key] = alt.name
    return names


async def attach_photo(rt, who: Principal, d: Dossier, message_id: int, index: int, document: str) -> int:
    """Attach photo `index` of citizen message `message_id` (of this dossier's thread) as
    `document`; returns the new document's id."""
    need_act(who)
    if document not in document_keys(rt.engine.catalog.get(d.procedure)):
        raise InvalidInput("unknown_document", f"'{document}' is not a document of {d.procedure}")
    async with rt.db.session() as s, s.begin():
        msg = await s.get(MessageLog, message_id)
        atts = (msg.attachments or []) if msg is not None else []
        if (
            msg is None
            or msg.conversation_id != d.conversation_id
            or msg.direction != "in"
            or not 0 <= index < len(atts)
            or atts[index].get("type") != "image"
            or not atts[index].get("path")
        ):
            raise InvalidInput("no_photo", "no citizen photo there")
        att = atts[index]
        path = rt.media.full_path(att["path"])
        data = path.read_bytes()
        doc = DossierDocument(
            dossier_id=d.id,
            doc_key=document,
            file_path=att["path"],
            content_type=att.get("content_type") or MediaStore.content_type(att["path"]),
            size=len(data),
            sha256=att.get("sha256") or hashlib.sha256(data).hexdigest(),
            quality={"ok": None, "problems": [], "from_chat": True, "message_id": message_id},
        )
        s.add(doc)
        await s.flush()
        store.audit(s, who.actor, "photo_attached", {"document": document, "message": message_id}, d.id)
        return doc.id
