"""What the officer walkthrough of 2026-12-07 had left (docs/officer_walkthrough.md, "Left"),
each through the real message path and console/API, on both backend pairs: a citizen's answer to
an officer is passed on (not answered with the menu, not a fallback), a photo sent at the menu is
checked and offered to the dossier waiting for papers, the completion notice never buries the
survey's buttons, the API sends no survey before the result, and a refused dossier is no drop-off."""

from __future__ import annotations

import datetime as dt

from citizen import Citizen, photo
from officer_kit import api_token, bearer, console_login, seed_dossier
from sqlalchemy import select, update
from support import wait_for

from core.db import Conversation, Dossier, MessageLog, SurveyAnswer
from core.db.models import utcnow

QUESTION = "Bác cho cháu hỏi bé sinh ở bệnh viện nào ạ?"
ANSWER = "Dạ bé sinh ở Bệnh viện Phụ sản thành phố ạ"
PASSED_ON = "mình đã chuyển lời nhắn của bạn tới cán bộ"
NOT_UNDERSTOOD = "chưa hiểu"


async def _citizen_with_dossier(rt, status: str = "in_review") -> tuple[Citizen, str, int]:
    """A citizen on the web chat whose conversation holds a filed dossier (written straight away)."""
    citizen = Citizen(rt)
    await citizen.say("Xin chào")
    code = await seed_dossier(rt, status=status)
    async with rt.db.session() as s, s.begin():
        conv = (await s.execute(select(Conversation).where(Conversation.key == citizen.key))).scalar_one()
        d = (await s.execute(select(Dossier).where(Dossier.code == code))).scalar_one()
        d.conversation_id, d.citizen_id = conv.id, conv.citizen_id
        return citizen, code, d.id


async def _reached(citizen: Citizen, needle: str) -> None:
    async def found() -> bool:
        return any(needle in t for t in await citizen.outbound())

    await wait_for(found)
    citizen.seen = len(await citizen.outbound())


async def _logged(rt, text: str) -> MessageLog:
    async with rt.db.session() as s:
        return (
            (
                await s.execute(
                    select(MessageLog).where(MessageLog.text == text).order_by(MessageLog.id.desc())
                )
            )
            .scalars()
            .first()
        )


async def test_an_answer_to_the_officer_is_passed_on_not_met_with_the_menu(client, rt):
    citizen, code, dossier_id = await _citizen_with_dossier(rt)
    assert PASSED_ON not in await citizen.say(ANSWER)  # no officer has asked anything yet
    assert (await _logged(rt, ANSWER)).fallback  # the walkthrough's finding: a fallback
    csrf = await console_login(client, "lan")
    r = await client.post(
        f"/officer/dossiers/{code}/message", data={"csrf": csrf, "text": QUESTION}, allow_redirects=False
    )
    assert r.status == 303
    await _reached(citizen, QUESTION)
    reply = await citizen.say(ANSWER)
    assert PASSED_ON in reply and code in reply and "trả lời bạn ngay tại đây" in reply, reply
    assert NOT_UNDERSTOOD not in reply and "Bạn cần làm gì" not in reply
    logged = await _logged(rt, ANSWER)
    assert not logged.fallback and logged.intent == "to_officer" and logged.dossier_id == dossier_id
    # the officer reads it in the dossier's thread and the inbox
    h = bearer(await api_token(client, "lan"))
    thread = (await (await client.get(f"/api/v1/dossiers/{code}/messages", headers=h)).json())["messages"]
    assert [m["author"] for m in thread if m["text"] == ANSWER][-1:] == ["citizen"]
    inbox = (await (await client.get("/api/v1/inbox", headers=h)).json())["items"]
    assert [i["reason"] for i in inbox if i["dossier_code"] == code] == ["answered"]
    # a clear new request is still the bot's: a status check, another procedure
    status = await citizen.say(f"Kiểm tra tình trạng hồ sơ {code}")
    assert PASSED_ON not in status and code in status, status
    other = await citizen.say("Tôi muốn đăng ký tạm trú")
    assert PASSED_ON not in other and "đăng ký tạm trú" in other.lower(), other
    await citizen.say("menu")
    # analytics: no "not understood" counted for the answer
    analyst = bearer(await api_token(client, "minh"))
    metrics = await (await client.get("/api/v1/metrics", headers=analyst)).json()
    assert ANSWER.lower() not in str(metrics["overall"]["fallback"]["top_unanswered"]).lower() or (
        metrics["overall"]["fallback"]["fallbacks"] == 1  # only the answer sent before any question
    )
    # after the window (OFFICER_ANSWER_WINDOW_H), the words are the bot's again
    async with rt.db.session() as s, s.begin():
        await s.execute(
            update(MessageLog)
            .where(MessageLog.author == "officer")
            .values(created_at=utcnow() - dt.timedelta(hours=rt.settings.officer_answer_window_h + 1))
        )
    assert PASSED_ON not in await citizen.say(ANSWER)
    assert (await _logged(rt, ANSWER)).fallback


async def test_words_and_photos_answering_a_supplement_request(client, rt):
    citizen, code, _id = await _citizen_with_dossier(rt)
    h = bearer(await api_token(client, "lan"))
    await _supplement_asked(client, h, citizen, code)
    words = "Dạ tên mẹ bé là Trần Thị Bình ạ"  # answering the reason given
    reply = await citizen.say(words)
    assert "chuyển lời nhắn" in reply and "Giấy chứng sinh" in reply, reply
    assert not (await _logged(rt, words)).fallback
    await citizen.say(photo=photo("paper", seed=321))
    d = await _back_to_submitted(client, h, code)
    assert [doc["document"] for doc in d["documents"]][-1] == "giay_chung_sinh"


async def _supplement_asked(client, h, citizen: Citizen, code: str) -> None:
    r = await client.post(
        f"/api/v1/dossiers/{code}/supplement-request",
        headers=h,
        json={
            "items": [{"document": "giay_chung_sinh", "reason": "Ảnh bị lóa, không đọc được tên người mẹ"}]
        },
    )
    assert r.status == 201, await r.text()
    await _reached(citizen, "không đọc được tên người mẹ")


async def _back_to_submitted(client, h, code: str) -> dict:
    async def submitted():
        d = await (await client.get(f"/api/v1/dossiers/{code}", headers=h)).json()
        return d if d["status"] == "submitted" else None

    return await wait_for(submitted)


async def test_a_photo_at_the_menu_is_checked_and_offered_to_the_waiting_dossier(client, rt):
    blurry = photo("paper", seed=7, cls="blurry")
    # no dossier waits: a blurry photo gets the way to retake it and the menu, not "chưa hiểu"
    lone = Citizen(rt)
    await lone.say("Xin chào")
    reply = await lone.say(photo=blurry)
    assert "chưa dùng được" in reply and "chưa thuộc hồ sơ nào" in reply and NOT_UNDERSTOOD not in reply, (
        reply
    )
    # a dossier waits for papers; the citizen went back to the menu, then sends photos there
    citizen, code, _id = await _citizen_with_dossier(rt)
    h = bearer(await api_token(client, "lan"))
    await _supplement_asked(client, h, citizen, code)
    await citizen.say("menu")
    reply = await citizen.say(photo=blurry)
    assert "chưa dùng được" in reply and code in reply and "bổ sung ngay" in reply, reply
    reply = await citizen.say(photo=photo("paper", seed=322))  # a better one instead of an answer
    assert "rõ nét" in reply and "thêm ảnh này vào hồ sơ" in reply and "Giấy chứng sinh" in reply, reply
    await citizen.say("1")
    d = await _back_to_submitted(client, h, code)
    assert [doc["document"] for doc in d["documents"]][-1] == "giay_chung_sinh"
    # the analyst's photo figures count the photos sent at the menu
    analyst = bearer(await api_token(client, "minh"))
    photos = (await (await client.get("/api/v1/metrics", headers=analyst)).json())["overall"]["photos"]
    assert photos["rejected"] == 2 and photos["by_problem"].get("blurry") == 2, photos
    assert photos["checked"] >= 4, photos  # the good one: at the menu, then as the supplement


async def _thread(rt, citizen: Citizen) -> list[MessageLog]:
    async with rt.db.session() as s:
        return list(
            (
                await s.execute(
                    select(MessageLog)
                    .join(Conversation, Conversation.id == MessageLog.conversation_id)
                    .where(Conversation.key == citizen.key, MessageLog.direction == "out")
                    .order_by(MessageLog.id)
                )
            ).scalars()
        )


async def test_completed_right_after_result_ready_keeps_the_survey_last_with_its_buttons(client, rt):
    citizen, code, dossier_id = await _citizen_with_dossier(rt, status="accepted")
    h = bearer(await api_token(client, "lan"))
    assert (await client.post(f"/api/v1/dossiers/{code}/result-ready", headers=h, json={})).status == 200
    assert (await client.post(f"/api/v1/dossiers/{code}/complete", headers=h, json={})).status == 200
    await _reached(citizen, "đã hoàn thành: bạn đã nhận kết quả")
    out = await _thread(rt, citizen)
    done = max(i for i, m in enumerate(out) if "đã hoàn thành: bạn đã nhận kết quả" in (m.text or ""))
    asked = [i for i, m in enumerate(out) if "Anh/chị hài lòng thế nào" in (m.text or "")]
    assert asked[0] < done < asked[-1] == len(out) - 1, [m.text for m in out]  # notice, then survey
    assert [q["payload"] for q in out[-1].quick_replies][:1] == ["survey:5"]  # its buttons, last
    assert "góp ý" in await citizen.say(payload="survey:5")  # the tap answered: the next question
    async with rt.db.session() as s:
        scores = (
            await s.execute(select(SurveyAnswer.score).where(SurveyAnswer.dossier_id == dossier_id))
        ).scalars()
        assert list(scores) == [5]


async def test_the_api_sends_no_survey_before_the_result(client, rt):
    citizen, code, _id = await _citizen_with_dossier(rt, status="accepted")
    h = bearer(await api_token(client, "lan"))
    r = await client.post(f"/api/v1/dossiers/{code}/survey", headers=h)
    body = await r.json()
    assert r.status == 409 and body["error"] == "survey_not_ready" and "chưa có kết quả" in body["message"]
    assert not any("hài lòng" in m.text for m in await _thread(rt, citizen) if m.text)
    spec = await (await client.get("/api/v1/openapi.json")).json()
    assert "survey_not_ready" in spec["paths"]["/api/v1/dossiers/{code}/survey"]["post"]["summary"]
    assert (await client.post(f"/api/v1/dossiers/{code}/result-ready", headers=h, json={})).status == 200
    # sent by itself with the result; by hand now only refused as answered or off, not too early
    r = await client.post(f"/api/v1/dossiers/{code}/survey", headers=h)
    assert r.status == 200, await r.text()
