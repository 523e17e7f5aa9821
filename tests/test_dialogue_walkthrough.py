"""The second citizen walkthrough (docs/citizen_walkthrough.md, 2026-12-06 evening), through the
real message path (web channel, worker, embedded NLU, OCR, outbox): a groom's card that reads
"Nữ" is pointed out kindly; "ubnd mở cửa mấy giờ" is answered at once; a hold-on or "đây ạ" at a
step keeps the step; a change of mind after the consent offers the switch; who the dossier is for,
said early, is not asked again."""

from __future__ import annotations

import pytest
import pytest_asyncio
from citizen import Citizen, photo, start_procedure, web_runtime

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def rt(tmp_path_factory):
    async with web_runtime(tmp_path_factory.mktemp("dialogue_walk")) as runtime:
        yield runtime


def card(sex: str, first_seed: int = 30) -> bytes:
    """A generated ID card (generated identities only) whose card reads `sex`."""
    from ocr.synth import make_sample

    for seed in range(first_seed, first_seed + 40):
        data, truth = make_sample(seed=seed, kind="cccd_front", cls="good", size=(1280, 960))
        if (truth.get("fields") or {}).get("sex") == sex:
            return data
    raise AssertionError(f"no generated card reads {sex}")


async def test_a_grooms_card_reading_female_is_pointed_out_and_can_be_confirmed(rt):
    citizen = Citizen(rt)
    await start_procedure(citizen, "ket_hon")
    assert "Bước 1/3" in await citizen.say("đồng ý")
    read = await citizen.say(photo=card("Nữ"), timeout=60)
    assert "Mình đọc được trên thẻ" in read and "Giới tính: Nữ" in read
    assert "thẻ này ghi giới tính Nữ" in read and "thẻ căn cước của bên nam" in read
    assert "Chụp lại ảnh khác" in read  # the way to send the right card
    assert "Bước 2/3" in await citizen.say("1")  # not blocked: the citizen confirms the card
    bride = await citizen.say(photo=card("Nữ", first_seed=40), timeout=60)
    assert "Mình đọc được trên thẻ" in bride and "thẻ này ghi giới tính" not in bride


async def test_office_hours_asked_from_the_menu_are_answered_at_once(rt):
    citizen = Citizen(rt)
    reply = await citizen.say("ubnd mở cửa mấy giờ")
    assert "Bộ phận Một cửa" in reply and "7:30–11:30" in reply
    assert "Bạn hỏi về thủ tục nào" not in reply
    assert "Đăng ký tạm trú: Công an xã, phường" in reply  # a place that differs is named
    assert "Khai tử:" not in reply and "Đăng ký kết hôn:" not in reply  # the same place: not repeated
    assert "Bạn cần làm gì tiếp?" in reply  # and the menu, to go on


@pytest.mark.parametrize("hold", ["đợi em chút", "chờ tí", "để e tìm", "ok đợi xíu"])
async def test_a_hold_on_keeps_the_step_and_the_bot_waits(rt, hold):
    citizen = Citizen(rt)
    await start_procedure(citizen, "ket_hon")
    at_consent = await citizen.say(hold)
    assert "mình chờ ạ" in at_consent and "Bước 1/3" not in at_consent  # "ok" here is no consent
    assert "Bước 1/3" in await citizen.say("đồng ý")
    at_photo = await citizen.say(hold)
    assert "mình chờ ạ" in at_photo and "📷" in at_photo
    assert "Xin chào" not in at_photo and "chúc bạn" not in at_photo  # neither greet nor goodbye
    assert "Mình đọc được trên thẻ" in await citizen.say(photo=card("Nam"), timeout=60)


async def test_here_it_is_before_the_photo_asks_for_the_photo_and_keeps_the_step(rt):
    citizen = Citizen(rt)
    await start_procedure(citizen, "ket_hon")
    again = await citizen.say("đây ạ")
    assert "trả lời câu hỏi trước" in again and "Bạn đồng ý không?" in again
    assert "Bước 1/3" in await citizen.say("đồng ý")
    here = await citizen.say("đây ạ")
    assert "chưa thấy ảnh nào" in here and "📷" in here
    read = await citizen.say(photo=card("Nam"), timeout=60)
    assert "Mình đọc được trên thẻ" in read and "thẻ này ghi giới tính" not in read


async def test_for_whom_said_early_answers_the_question_later(rt):
    citizen = Citizen(rt)
    assert "trọn gói" in await citizen.say("toi muon lam giay khai sinh cho chau")
    assert "Bạn đồng ý không?" in await citizen.say("2")  # birth registration alone
    started = await citizen.say("dong y")
    assert "làm cho cháu" in started and "Khai thay bố mẹ" in started and "Bước 1/3" in started
    assert "Bạn là bố hoặc mẹ của bé thì chọn 2" not in started  # not asked again
    back = await citizen.say("quay lai")  # the note says how to correct it
    assert "Bạn là bố hoặc mẹ của bé thì chọn 2" in back
    assert "Bước 1/2" in await citizen.say("2")  # the citizen's own answer wins
    other = Citizen(rt)
    await start_procedure(other, "khai_sinh")
    assert "Bạn là bố hoặc mẹ của bé thì chọn 2" in await other.say("đồng ý")
    assert "Bước 1/3" in await other.say("tôi làm cho cháu")  # said as the answer: on behalf


async def test_for_whom_said_early_is_offered_for_the_relation_to_the_deceased(rt):
    citizen = Citizen(rt)
    # a death told as a question: the package (taken here) or the death registration alone
    assert "trọn gói" in await citizen.say("bố em mới mất, em cần làm gì ạ")
    assert "Bạn đồng ý không?" in await citizen.say("1")
    assert "Bước 1/2" in await citizen.say("đồng ý")
    assert "Bước 2/2" in await citizen.say(photo=photo("paper", seed=71), timeout=60)
    reply = await citizen.say(photo=card("Nam"), timeout=60)
    if "Mình đọc được trên thẻ" in reply:
        reply = await citizen.say("1")
    for answer in ("LÊ VĂN CƯỜNG", "001045012345", "02/11/2026"):
        assert "quan hệ với người mất" not in reply
        reply = await citizen.say(answer)
    assert "làm cho bố" in reply and "quan hệ với người mất: Con" in reply
    assert "mai táng phí" in await citizen.say("đúng")


async def test_a_change_of_mind_after_the_consent_offers_the_switch_and_keeps_the_card(rt):
    citizen = Citizen(rt)
    await start_procedure(citizen, "ket_hon")
    assert "Bước 1/3" in await citizen.say("đồng ý")
    read = await citizen.say(photo=card("Nam"), timeout=60)
    assert "Mình đọc được trên thẻ" in read
    assert "Bước 2/3" in await citizen.say("1")
    asked = await citizen.say("à thôi, làm tạm trú")
    assert "chuyển sang làm hồ sơ đăng ký tạm trú" in asked and "thẻ căn cước bạn đã gửi" in asked
    assert "Bước 2/3" in await citizen.say("2")  # no: the marriage dossier goes on where it was
    assert "chuyển sang" in await citizen.say("à thôi, làm tạm trú")
    consent = await citizen.say("1")
    assert "dừng hồ sơ đăng ký kết hôn" in consent and "hồ sơ đăng ký tạm trú" in consent
    assert "Dùng lại thẻ này" in await citizen.say("đồng ý")  # the card confirmed is offered again
    assert "Bước 2/3" in await citizen.say("1")
    other = Citizen(rt)
    await start_procedure(other, "khai_sinh")  # at the consent, no dossier yet: started at once
    reply = await other.say("à thôi, làm tạm trú")
    assert "hồ sơ đăng ký tạm trú" in reply and "Bạn đồng ý không?" in reply and "Đã hủy" not in reply


async def test_only_the_birth_registration_at_the_offer_is_a_choice_not_a_cancel(rt):
    citizen = Citizen(rt)
    assert "trọn gói" in await citizen.say("e mún lm giấy khai sinh cho con e ạ")
    reply = await citizen.say("chỉ khai sinh thôi")  # "thôi" (only) reads as cancel to the NLU
    assert "Đã hủy" not in reply and "hồ sơ khai sinh" in reply and "Bạn đồng ý không?" in reply


async def test_questions_at_the_consent_and_at_a_photo_step_are_answered_in_short(rt):
    citizen = Citizen(rt)
    await start_procedure(citizen, "tam_tru")
    fee = await citizen.say("mất bao nhiêu tiền")
    assert "15.000 đồng" in fee and "Bạn đồng ý không?" in fee
    assert "Trước khi nhận giấy tờ, mình xin phép bạn" not in fee  # the whole consent: shown once
    assert "Bước 1/3" in await citizen.say("đồng ý")
    what = await citizen.say("tạm trú là gì")  # read as a question about the procedure: its papers
    assert "Để đăng ký tạm trú, bạn cần" in what and "Bước 1/3" in what
    unknown = await citizen.say("nộp online được không")
    assert "chưa trả lời được" in unknown and "gặp cán bộ" in unknown and "Bước 1/3" in unknown


async def test_a_forgotten_id_number_is_left_for_the_officer_in_the_filed_dossier(rt):
    """The third walkthrough (2026-12-07): "không nhớ số căn cước" no longer loops; the dossier
    the officer opens says what was left, and the audit trail records it."""
    from sqlalchemy import select

    from core.db import AuditEvent, Dossier

    citizen = Citizen(rt)
    assert "trọn gói" in await citizen.say("nhà tôi có người mất")
    assert "Bạn đồng ý không?" in await citizen.say("2")
    assert "Tôi là người thân" in await citizen.say("đồng ý")
    assert "Bước 1/2" in await citizen.say("tôi là con")  # the citizen's own relation answers it
    about = await citizen.say("giấy báo tử là gì")
    assert "bệnh viện cấp" in about and "Bước 1/2" in about
    assert "Bước 2/2" in await citizen.say(photo=photo("paper", seed=71), timeout=60)
    reply = await citizen.say(photo=card("Nam"), timeout=60)
    if "Mình đọc được trên thẻ" in reply:
        reply = await citizen.say("1")
    assert "Người mất tên đầy đủ" in reply
    assert "Nếu không nhớ" in await citizen.say("Lê Văn Cường")
    assert "cán bộ sẽ tra cứu và bổ sung" in await citizen.say("không nhớ số căn cước")
    for answer in ("02/11/2026", "Con"):
        await citizen.say(answer)
    assert "(để trống — cán bộ tra cứu, bổ sung)" in await citizen.say("0912345678")
    assert "Mã hồ sơ" in await citizen.say("1")
    async with rt.db.session() as s:
        dossier = (await s.execute(select(Dossier).where(Dossier.procedure == "khai_tu"))).scalars().all()[-1]
        actions = (
            (await s.execute(select(AuditEvent.action).where(AuditEvent.dossier_id == dossier.id)))
            .scalars()
            .all()
        )
    assert dossier.fields["deceased_id"].startswith("(để trống") and "field_left_for_officer" in actions
