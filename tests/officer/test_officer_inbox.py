"""The conversation inbox beside the dossier queue: threads that want a human (a hand-off before
any dossier exists, a citizen writing after the dossier closed), unread counts, the waiting time
against the SLA, assignment, answers and the platform's reply window — never across agencies,
never for analysts. Search across dossiers and conversations, folded for diacritics."""

from __future__ import annotations

import datetime as dt
import re

from inbox_kit import citizen_writes, close_dossier, seed_thread
from officer_kit import api_token, bearer, console_login, csrf_of, seed_dossier
from sqlalchemy import select

from core.db import MessageLog, Outbox


async def test_a_hand_off_before_any_dossier_is_in_the_inbox_and_answered(client, rt):
    conv = await seed_thread(rt)
    csrf = await console_login(client, "lan")
    page = await (await client.get("/officer/inbox")).text()
    row = re.search(rf'<tr data-thread="{conv}">.*?</tr>', page, re.S)
    assert row, page
    row_html = row.group(0)
    assert "Phạm Thị Hồng" in row_html and "Yêu cầu gặp cán bộ" in row_html and "chưa có" in row_html
    assert '<span class="marker unread">2</span>' in row_html
    assert 'data-sla-s="900"' in row_html and "data-since=" in row_html
    assert "chưa phân công" in row_html

    thread = await (await client.get(f"/officer/inbox/{conv}")).text()
    assert "Tôi cần hỏi về giấy khai sinh" in thread and 'id="reply-window"' in thread
    assert "Trong khung trả lời của nền tảng (48 giờ" in thread
    # opening it read the messages
    page = await (await client.get("/officer/inbox")).text()
    assert 'class="marker unread"' not in re.search(rf'<tr data-thread="{conv}">.*?</tr>', page, re.S).group(
        0
    )

    r = await client.post(
        f"/officer/inbox/{conv}/message",
        data={"csrf": csrf, "text": "Chào chị, tôi là cán bộ Lan."},
        allow_redirects=False,
    )
    assert r.status == 303 and "ok=message" in r.headers["Location"]
    thread = await (await client.get(f"/officer/inbox/{conv}")).text()
    assert re.search(r'id="assignee">lan<', thread) and "Chào chị, tôi là cán bộ Lan." in thread
    async with rt.db.session() as s:
        out = (
            await s.execute(
                select(MessageLog).where(MessageLog.conversation_id == conv, MessageLog.author == "officer")
            )
        ).scalar_one()
        assert (await s.execute(select(Outbox.id).where(Outbox.message_id == out.id))).scalar() is not None
    # answered: no longer waiting; a new citizen message starts the clock again and is unread
    assert "đã trả lời" in re.search(
        rf'<tr data-thread="{conv}">.*?</tr>', await (await client.get("/officer/inbox")).text(), re.S
    ).group(0)
    await citizen_writes(rt, conv, "Cảm ơn cán bộ")
    row_html = re.search(
        rf'<tr data-thread="{conv}">.*?</tr>', await (await client.get("/officer/inbox")).text(), re.S
    ).group(0)
    assert "data-since=" in row_html and '<span class="marker unread">1</span>' in row_html
    mine = await (await client.get("/officer/inbox?mine=1")).text()
    assert f'data-thread="{conv}"' in mine

    # hand back: the bot answers again and the thread leaves the inbox
    r = await client.post(f"/officer/inbox/{conv}/hand-back", data={"csrf": csrf}, allow_redirects=False)
    assert r.status == 303
    assert f'data-thread="{conv}"' not in await (await client.get("/officer/inbox")).text()


async def test_a_citizen_writing_after_the_dossier_closed_wants_a_human(client, rt):
    code = await seed_dossier(rt)
    conv = await close_dossier(rt, code)
    await console_login(client, "lan")
    assert f'data-thread="{conv}"' not in await (await client.get("/officer/inbox")).text()
    await citizen_writes(rt, conv, "Tôi chưa nhận được bản chính")
    row = re.search(
        rf'<tr data-thread="{conv}">.*?</tr>', await (await client.get("/officer/inbox")).text(), re.S
    )
    assert row and "Nhắn sau khi hồ sơ đã đóng" in row.group(0) and code in row.group(0)


async def test_the_reply_window_of_each_platform(client, rt):
    messenger = await seed_thread(rt, channel="messenger", last_inbound=dt.timedelta(hours=30))
    zalo_late = await seed_thread(rt, channel="zalo", last_inbound=dt.timedelta(days=8))
    web = await seed_thread(rt, channel="web")
    csrf = await console_login(client, "lan")
    page = await (await client.get(f"/officer/inbox/{messenger}")).text()
    assert "Đã quá 24 giờ: chỉ cán bộ còn trả lời được (tin gửi kèm nhãn HUMAN_AGENT)" in page
    page = await (await client.get(f"/officer/inbox/{web}")).text()
    assert "Kênh này không giới hạn thời gian trả lời." in page
    page = await (await client.get(f"/officer/inbox/{zalo_late}")).text()
    assert "tin bạn gửi sẽ được giữ lại và tự gửi đi khi người dân nhắn lại" in page
    h = bearer(await api_token(client, "lan"))
    listed = await (await client.get("/api/v1/inbox", headers=h)).json()
    windows = {i["id"]: i["reply_window"]["state"] for i in listed["items"]}
    assert windows[messenger] == "tagged" and windows[zalo_late] == "closed" and windows[web] == "none"
    assert csrf


async def test_inbox_and_search_never_cross_agencies_and_analysts_see_no_thread(client, rt):
    ours = await seed_thread(rt, name="Lê Văn Tám")
    routed = await seed_thread(
        rt, name="Mai Văn Chuyển"
    )  # routed to the other office, then asked for an officer
    async with rt.db.session() as s, s.begin():
        from core.db import Conversation

        conv = await s.get(Conversation, routed)
        conv.state = {"step": "human", "paused": {"step": "menu", "agency": "OTHER"}}
    code_other = await seed_dossier(rt, agency="OTHER")
    other_conv = await close_dossier(rt, code_other)
    await citizen_writes(rt, other_conv, "Xin hỏi")
    await console_login(client, "khac")
    page = await (await client.get("/officer/inbox")).text()
    assert f'data-thread="{ours}"' not in page and f'data-thread="{other_conv}"' in page
    assert f'data-thread="{routed}"' in page
    assert (await client.get(f"/officer/inbox/{ours}")).status == 404
    found = await (await client.get("/officer/search?q=le van tam")).text()
    assert "Lê Văn Tám" not in found
    hk = bearer(await api_token(client, "khac"))
    assert (await client.get(f"/api/v1/inbox/{ours}/messages", headers=hk)).status == 404
    assert ours not in {
        i["id"] for i in (await (await client.get("/api/v1/inbox", headers=hk)).json())["items"]
    }

    await client.post("/officer/logout", data={"csrf": csrf_of(page)})
    await console_login(client, "minh")  # analyst
    for path in ("/officer/inbox", f"/officer/inbox/{ours}", "/officer/search?q=tam"):
        assert (await client.get(path)).status == 403, path
    assert (await client.get("/officer/inbox/summary")).status == 403
    hm = bearer(await api_token(client, "minh"))
    for path in ("/api/v1/inbox", f"/api/v1/inbox/{ours}/messages", "/api/v1/search?q=tam"):
        assert (await client.get(path, headers=hm)).status == 403, path


async def test_search_by_code_name_phone_and_id_number_folded(client, rt):
    code = await seed_dossier(rt)  # applicant TRẦN THỊ B, phone 0912345678, ID 001099012345
    other = await seed_dossier(rt, agency="OTHER")
    thread = await seed_thread(rt, name="Đặng Thị Ngọc")
    await console_login(client, "lan")
    for q in ("tran thi b", "TRẦN thị", "0912 345 678", "001099012345", code.lower()):
        page = await (await client.get("/officer/search", params={"q": q})).text()
        assert f'href="/officer/dossiers/{code}"' in page, q
        assert other not in page, q
    page = await (await client.get("/officer/search", params={"q": "dang thi ngoc"})).text()
    assert f'href="/officer/inbox/{thread}"' in page
    h = bearer(await api_token(client, "lan"))
    found = await (await client.get("/api/v1/search", params={"q": "tran thi b"}, headers=h)).json()
    assert code in {d["code"] for d in found["dossiers"]} and other not in {
        d["code"] for d in found["dossiers"]
    }


async def test_supervisors_reassign_a_thread_and_the_queue_marks_new_messages(client, rt):
    conv = await seed_thread(rt)
    csrf = await console_login(client, "lan")
    r = await client.post(
        f"/officer/inbox/{conv}/assign", data={"csrf": csrf, "officer": "tuan"}, allow_redirects=False
    )
    assert r.status == 403
    await client.post(f"/officer/inbox/{conv}/claim", data={"csrf": csrf})
    assert re.search(r'id="assignee">lan<', await (await client.get(f"/officer/inbox/{conv}")).text())
    await client.post("/officer/logout", data={"csrf": csrf})
    csrf = await console_login(client, "hoa")
    r = await client.post(
        f"/officer/inbox/{conv}/assign", data={"csrf": csrf, "officer": "tuan"}, allow_redirects=False
    )
    assert "ok=assign" in r.headers["Location"]
    h = bearer(await api_token(client, "tuan"))
    mine = await (await client.get("/api/v1/inbox?mine=true", headers=h)).json()
    assert [i["assignee"] for i in mine["items"]] == ["tuan"]

    # a citizen writing after filing: the queue shows the new messages until the dossier is opened
    code = await seed_dossier(rt)
    async with rt.db.session() as s, s.begin():
        from core.db import Dossier
        from core.db.models import utcnow

        d = (await s.execute(select(Dossier).where(Dossier.code == code))).scalar_one()
        d.submitted_at = utcnow()  # the seeded thread's messages were written before filing
    await citizen_writes(rt, d.conversation_id, "Tôi gửi thêm ảnh được không?")
    queue = await (await client.get("/officer")).text()
    row = re.search(rf"<tr[^>]*>\s*<td>[^<]*<a href=\"/officer/dossiers/{code}\">.*?</tr>", queue, re.S)
    assert row and "1 tin mới" in row.group(0), row.group(0)
    await client.get(f"/officer/dossiers/{code}")
    queue = await (await client.get("/officer")).text()
    row = re.search(rf"<tr[^>]*>\s*<td>[^<]*<a href=\"/officer/dossiers/{code}\">.*?</tr>", queue, re.S)
    assert row and "tin mới" not in row.group(0)


async def test_hostile_strings_stay_inert_in_the_inbox_thread_and_search(client, rt):
    from officer_kit import EVIL, assert_inert

    conv = await seed_thread(rt, name=f"Tên {EVIL}", texts=(f"Tin {EVIL}",))
    code = await seed_dossier(rt, evil=EVIL)
    await console_login(client, "lan")
    for path in (
        "/officer/inbox",
        f"/officer/inbox/{conv}",
        "/officer/search?q=ten",
        f"/officer/dossiers/{code}",
    ):
        page = await (await client.get(path)).text()
        assert "<script>alert" not in page, path
        assert_inert(page)
