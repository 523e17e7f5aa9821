"""What the citizen walkthrough of 2026-12-06 found (docs/citizen_walkthrough.md), through the real
message path (web channel, worker, outbox): words that are no answer to the step (thanks, "mai em
gửi", "chụp thế nào", a photo where a choice is asked) get a short answer and the step stays; a
change of mind at the consent or the offer starts the procedure named; "quay lại" at a dossier's
first step neither asks the consent again nor opens a second dossier."""

from __future__ import annotations

import pytest
import pytest_asyncio
from citizen import Citizen, photo, start_procedure, web_runtime
from sqlalchemy import func, select

from core.db import Conversation, Dossier

pytestmark = pytest.mark.asyncio(loop_scope="module")

CONSENT_WHOLE = "Trước khi nhận giấy tờ, mình xin phép bạn"  # the whole consent text, shown once


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def rt(tmp_path_factory):
    async with web_runtime(tmp_path_factory.mktemp("walkthrough")) as runtime:
        yield runtime


async def dossiers_of(rt, citizen: Citizen) -> int:
    async with rt.db.session() as s:
        return (
            await s.execute(
                select(func.count())
                .select_from(Dossier)
                .join(Conversation, Conversation.id == Dossier.conversation_id)
                .where(Conversation.key == citizen.key)
            )
        ).scalar()


async def test_later_thanks_and_a_photo_at_the_consent_keep_the_question_short(rt):
    citizen = Citizen(rt)
    await start_procedure(citizen, "ket_hon")
    later = await citizen.say("mai e gửi")
    assert "giữ nguyên hồ sơ đăng ký kết hôn" in later and CONSENT_WHOLE not in later
    thanks = await citizen.say("cảm ơn ạ")
    assert "không có gì" in thanks and CONSENT_WHOLE not in thanks
    stray = await citizen.say(photo=photo("cccd_front", seed=31), timeout=60)
    assert "chưa trả lời câu hỏi đồng ý" in stray and "Bạn đồng ý không?" in stray
    assert CONSENT_WHOLE not in stray
    unclear = await citizen.say("hả")  # read as a call for help: what the bot does, then the short question
    assert "Như mình nói ở trên" in unclear and "Bạn đồng ý không?" in unclear
    assert CONSENT_WHOLE not in unclear
    assert "Bước 1/3" in await citizen.say("đồng ý")  # the consent still works after all that


async def test_a_change_of_mind_at_the_consent_or_the_offer_starts_the_procedure_named(rt):
    citizen = Citizen(rt)
    await start_procedure(citizen, "khai_sinh")
    reply = await citizen.say("à thôi tôi muốn đăng ký kết hôn")
    assert "hồ sơ đăng ký kết hôn" in reply and "Bạn đồng ý không?" in reply
    other = Citizen(rt)
    assert "tạm trú" in await other.say("đăng ký tạm trú")  # thường trú or tạm trú?
    reply = await other.say("à thôi, tôi muốn làm kết hôn")
    assert "hồ sơ đăng ký kết hôn" in reply and "chưa hiểu" not in reply


async def test_a_photo_at_a_question_and_how_to_photograph_are_answered_in_place(rt):
    citizen = Citizen(rt)
    await start_procedure(citizen, "khai_sinh")
    assert "Bạn là bố hoặc mẹ của bé" in await citizen.say("đồng ý")
    stray = await citizen.say(photo=photo("paper", seed=41), timeout=60)  # kept for the photo step
    assert "giữ lại" in stray and "Bạn là bố hoặc mẹ của bé" in stray
    used = await citizen.say("2", timeout=60)
    assert "Bước 1/2" in used and "Mình dùng ảnh bạn gửi lúc nãy" in used  # checked there, as sent then
    assert "Đã nhận ảnh Giấy chứng sinh của bé" in used and "Bước 2/2" in used  # the held photo filed
    for question in ("scan la gi", "chụp thế nào"):
        howto = await citizen.say(question)
        assert "không cần máy scan" in howto and "Bước 2/2" in howto  # the step it was at, again
    card = await citizen.say(photo=photo("cccd_front", seed=42), timeout=60)  # the second photo
    assert "Mình đọc được trên thẻ" in card and "Bước 2/2" not in card
    thanks = await citizen.say("cảm ơn")
    assert "không có gì" in thanks and "Bước" not in thanks


async def test_back_at_the_first_step_does_not_ask_the_consent_again_nor_open_a_second_dossier(rt):
    citizen = Citizen(rt)
    await start_procedure(citizen, "lien_thong_khai_tu")
    assert "Bước 1/2" in await citizen.say("đồng ý")
    back = await citizen.say("quay lại")
    assert "bước đầu tiên" in back and "Bước 1/2" in back and "Bạn đồng ý không?" not in back
    assert "Bước 2/2" in await citizen.say(photo=photo("paper", seed=51), timeout=60)
    back = await citizen.say("quay lại")  # one step back still works after the first
    assert "quay lại bước trước" in back and "Bước 1/2" in back
    assert await dossiers_of(rt, citizen) == 1


async def test_my_dossiers_with_none_says_how_to_look_one_up(rt):
    citizen = Citizen(rt)
    reply = await citizen.say("hồ sơ của tôi đến đâu rồi")
    assert "Mình chưa thấy hồ sơ nào" in reply and "mã hồ sơ" in reply


async def test_a_photo_at_the_offer_is_noted_and_the_choice_asked_again(rt):
    citizen = Citizen(rt)
    assert "trọn gói" in await citizen.say("nhà em mới sinh em bé")
    stray = await citizen.say(photo=photo("paper", seed=61), timeout=60)
    assert "chưa cần ảnh" in stray and "2. Đăng ký khai sinh" in stray
    assert "chưa hiểu" not in stray


async def test_a_bare_yes_is_not_taken_as_the_name_of_a_paper(rt):
    citizen = Citizen(rt)
    await start_procedure(citizen, "chung_thuc_ban_sao")
    await citizen.say("đồng ý")
    asked = await citizen.say(photo=photo("paper", seed=62), timeout=60)
    assert "Bạn cần chứng thực giấy tờ gì ạ?" in asked
    again = await citizen.say("đúng")
    assert "câu trả lời cụ thể" in again and "Bạn cần chứng thực giấy tờ gì ạ?" in again
    assert "mấy trang" in await citizen.say("Bằng tốt nghiệp đại học")


async def test_thanks_at_the_offer_is_answered_as_at_the_menu(rt):
    citizen = Citizen(rt)
    assert "trọn gói" in await citizen.say("nhà em mới sinh em bé")
    reply = await citizen.say("cảm ơn em")
    assert "Không có gì" in reply and "chưa hiểu" not in reply


async def test_an_unclear_answer_to_a_question_is_said_so_before_asking_again(rt):
    citizen = Citizen(rt)
    await start_procedure(citizen, "khai_sinh")
    assert "Bạn là bố hoặc mẹ của bé" in await citizen.say("đồng ý")
    again = await citizen.say("co")  # neither "khai thay" (1) nor "tôi là bố/mẹ bé" (2)
    assert "chưa rõ ý bạn" in again and "Bạn là bố hoặc mẹ của bé" in again


async def test_a_file_that_is_no_photo_at_the_consent_is_called_a_file(rt):
    citizen = Citizen(rt)
    await start_procedure(citizen, "ket_hon")
    reply = await citizen.say(photo=b"not an image at all " * 20, timeout=60)
    assert "chưa nhận tệp này" in reply and "Bạn đồng ý không?" in reply and "ảnh này" not in reply
