"""The satisfaction survey of a dossier, asked in the citizen's own thread: by itself once the
result is ready or the dossier completed (once per dossier), or sent by an officer by hand.
A deployment turns it off per channel (setting `survey_off_channels`). The questions are data
(flows/survey.yml); the dialogue step that asks them is flows/steps/survey.py."""

from __future__ import annotations

from sqlalchemy import func, select

from core import store
from core.db import AuditEvent, Conversation, Dossier, SurveyAnswer
from services.dossiers import InvalidInput

SURVEY = "dossier"


def off_channels(settings) -> frozenset[str]:
    return frozenset(c.strip() for c in settings.survey_off_channels.split(",") if c.strip())


async def ask(rt, s, dossier: Dossier, conv: Conversation, actor: str, *, by_hand: bool = False) -> bool:
    """Ask the survey in the dossier's thread (inside the caller's transaction, under the
    conversation's lock). Automatic: at most once per dossier, silently skipped where it may
    not be asked. By hand: refused (InvalidInput) on a channel without surveys or once answered."""
    if conv.channel in off_channels(rt.settings):
        if by_hand:
            raise InvalidInput("survey_off", f"no surveys on channel {conv.channel}")
        return False
    if by_hand:
        answered = await s.scalar(
            select(func.count()).select_from(SurveyAnswer).where(SurveyAnswer.dossier_id == dossier.id)
        )
        if answered:
            raise InvalidInput("survey_answered", f"dossier {dossier.code}: the survey is answered")
    else:
        sent = await s.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.dossier_id == dossier.id, AuditEvent.action == "survey_sent")
        )
        if sent:
            # the survey already asked and still pending (result ready, then completed soon
            # after): its question again after the caller's notice, so its buttons come last
            recipient = conv.key.split(":", 1)[1]
            for reply in rt.engine.survey_again(conv.state or {}, dossier.id):
                store.add_outbound(s, conv, recipient, reply, author="bot", step=conv.step)
            return False
    proc = rt.engine.catalog.get(dossier.procedure)
    state, replies = rt.engine.start_survey(
        conv.state or {},
        SURVEY,
        dossier.id,
        code=dossier.code,
        procedure=proc.short_name if proc else dossier.procedure,
    )
    conv.state = state
    conv.step = rt.engine.step_of(state)
    recipient = conv.key.split(":", 1)[1]
    for reply in replies:
        store.add_outbound(s, conv, recipient, reply, author="bot", step=conv.step)
    store.audit(s, actor, "survey_sent", {"survey": SURVEY, "by_hand": by_hand}, dossier.id)
    return True
