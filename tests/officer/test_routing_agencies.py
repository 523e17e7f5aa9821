"""Two offices in one deployment, through the real message path on both backend pairs: citizens
of two communes, their old addresses typed any way, file birth registrations that reach each
commune's office (its code prefixes the dossier code); each office's officer sees only its own
dossiers in the API and the console; a citizen of a commune served by neither is told where to go."""

from __future__ import annotations

import re
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from citizen import Citizen, photo
from officer_kit import PASSWORD, api_token, bearer, console_login

from bot.app import create_app
from core.hub import RUNTIME
from services import officers

EXAMPLE = Path(__file__).resolve().parents[2] / "places" / "example_agencies.yml"


async def birth_to_route(citizen: Citizen, seed: int) -> str:
    """A birth registration up to the question of where it is filed: the commune of the residence
    read on the declarant's ID card is proposed (before the summary)."""
    assert "Có em bé" in await citizen.say("Xin chào")
    await citizen.say("1")
    await citizen.say("2")
    await citizen.say(payload="yes")
    assert "Bước 1/2" in await citizen.say("2")
    assert "Bước 2/2" in await citizen.say(photo=photo("paper", seed=seed))
    reply = await citizen.say(photo=photo("cccd_front", seed=seed + 1))
    if "Mình đọc được trên thẻ" in reply:
        reply = await citizen.say("1")
    assert "Họ và tên" in reply
    await citizen.say("Nguyễn Minh An")
    await citizen.say("1")
    await citizen.say("05/03/2026")
    return await citizen.say("0912 345 678")


async def file_from(citizen: Citizen, seed: int, address: str, office: str) -> str:
    ask = await birth_to_route(citizen, seed)
    # the residence on the card (a synthetic card's, somewhere in the country) is proposed first
    assert "Hồ sơ sẽ nộp tại" in ask and "đúng không?" in ask, ask
    assert "phường, xã nào" in await citizen.say("2")  # "Nơi khác": typed in words
    summary = await citizen.say(address)
    assert f"Nơi nộp: {office}" in summary, summary
    final = await citizen.say("1")
    m = re.search(r"[A-Z0-9]+-\d{6}-\d{4}", final)
    assert m, final
    return m.group(0)


async def test_two_offices_each_officer_sees_only_its_own(backend_settings):
    settings = backend_settings.with_overrides(agencies_file=str(EXAMPLE))
    await officers.add(settings, "an", PASSWORD, "XOMCHIEU", "officer")
    await officers.add(settings, "binh", PASSWORD, "BENTHANH", "officer")
    app = create_app(settings, role="all")
    async with TestClient(TestServer(app)) as client:
        rt = client.server.app[RUNTIME]
        xc = await file_from(Citizen(rt), 41, "P16 Q4 tphcm", "UBND phường Xóm Chiếu")
        bt = await file_from(
            # seed 43's neutral page is typed giay_khai_sinh (0.72) by the paper reader: a false
            # wrong-paper alarm noted for issue 19; this test is about routing, so another page
            Citizen(rt),
            47,
            "12 Nguyen Hue, P. Ben Nghe, Q.1, Sai Gon",
            "UBND phường Bến Thành",
        )
        assert xc.startswith("XOMCHIEU-") and bt.startswith("BENTHANH-")

        # a commune served by neither office: told where to go, nothing filed
        lost = Citizen(rt)
        assert "đúng không?" in await birth_to_route(lost, 45)
        assert "phường, xã nào" in await lost.say("2")
        # Xã Bát Tràng was divided in 2025: its parts are offered, numbered
        pick = await lost.say("xa Bat Trang, huyen Gia Lam, Ha Noi")
        assert "1. Xã Bát Tràng, TP. Hà Nội" in pick
        told = await lost.say("1")
        assert "Xã Bát Tràng, TP. Hà Nội không thuộc nơi tiếp nhận" in told
        assert "Bộ phận Một cửa UBND Xã Bát Tràng" in told and "dichvucong.gov.vn" in told

        for username, mine, theirs in (("an", xc, bt), ("binh", bt, xc)):
            h = bearer(await api_token(client, username))
            listed = await (await client.get("/api/v1/dossiers", headers=h)).json()
            codes = {d["code"] for d in listed["items"]}
            assert codes == {mine}, (username, codes)
            assert (await client.get(f"/api/v1/dossiers/{mine}", headers=h)).status == 200
            assert (await client.get(f"/api/v1/dossiers/{theirs}", headers=h)).status == 404

        for username, mine, theirs in (("an", xc, bt), ("binh", bt, xc)):
            client.session.cookie_jar.clear()
            await console_login(client, username)
            queue = await (await client.get("/officer")).text()
            assert mine in queue and theirs not in queue
            assert (await client.get(f"/officer/dossiers/{theirs}")).status == 404
