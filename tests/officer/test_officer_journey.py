"""The one-stop loop through the real message path, on both backend pairs: a citizen files a
birth registration, the officer asks for two documents in one notice, the citizen sends them, the
dossier comes back submitted, the officer accepts, and the receipt reaches the citizen's thread."""

from __future__ import annotations

from citizen import Citizen, file_procedure, photo
from officer_kit import api_token, bearer
from support import wait_for


async def test_supplement_loop_and_receipt_in_the_citizens_thread(client, rt):
    citizen = Citizen(rt)
    code, _ = await file_procedure(citizen, "khai_sinh")
    h = bearer(await api_token(client, "lan"))
    detail = await (await client.get(f"/api/v1/dossiers/{code}", headers=h)).json()
    assert detail["status"] == "submitted" and len(detail["documents"]) == 2
    review = await client.post(f"/api/v1/dossiers/{code}/review", headers=h)
    assert review.status == 200 and (await review.json())["status"] == "in_review"

    r = await client.post(
        f"/api/v1/dossiers/{code}/supplement-request",
        headers=h,
        json={
            "items": [
                {"document": "giay_chung_sinh", "reason": "Ảnh bị lóa, không đọc được tên người mẹ"},
                {"document": "van_ban_uy_quyen", "reason": "Người đi nộp không phải bố mẹ của bé"},
            ],
            "note": "Bạn gửi lại cả hai giấy tờ giúp mình.",
        },
    )
    assert r.status == 201, await r.text()
    await wait_for(lambda: _delivered(citizen, "Người đi nộp không phải bố mẹ của bé"))
    notice = [t for t in await citizen.outbound() if "Ảnh bị lóa" in t]
    assert len(notice) == 1 and "Người đi nộp không phải bố mẹ của bé" in notice[0]  # both, one notice
    citizen.seen = len(await citizen.outbound())

    await citizen.say(photo=photo("paper", seed=301))
    await citizen.say(photo=photo("paper", seed=302))

    async def back_to_submitted():
        d = await (await client.get(f"/api/v1/dossiers/{code}", headers=h)).json()
        return d if d["status"] == "submitted" else None

    d = await wait_for(back_to_submitted)
    assert d["supplemented_at"]
    supplemented = [e for e in d["audit"] if e["action"] == "supplemented"]
    assert supplemented and sorted(supplemented[-1]["data"]["documents"]) == [
        "giay_chung_sinh",
        "van_ban_uy_quyen",
    ]
    assert len(d["documents"]) == 4

    acc = await client.post(f"/api/v1/dossiers/{code}/accept", headers=h)
    assert acc.status == 200
    result = await acc.json()
    assert result["status"] == "accepted"

    async def receipt_sent():
        thread = (await (await client.get(f"/api/v1/dossiers/{code}/messages", headers=h)).json())["messages"]
        m = next(m for m in thread if m["id"] == result["message_id"])
        return (m, thread) if m["delivery"] == "sent" else None

    receipt, thread = await wait_for(receipt_sent)
    assert receipt["author"] == "officer" and receipt["officer"] == "lan"
    assert "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ" in receipt["text"] and code in receipt["text"]
    assert any("GIẤY TIẾP NHẬN" in t for t in await citizen.outbound())  # in the citizen's own thread
    assert {m["author"] for m in thread} == {"citizen", "bot", "officer"}


async def _delivered(citizen: Citizen, needle: str) -> bool:
    return any(needle in t for t in await citizen.outbound())
