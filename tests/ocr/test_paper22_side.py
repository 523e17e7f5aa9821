"""The back of a printed page sent where a paper is asked (issue 19, side22): `not_document` with
`metrics.page_side` "back" and its own hint (turn the sheet over), in `ocr --json` and in the chat;
a printed page is never called its back."""

from __future__ import annotations

import io
import json
import random
import sys
from contextlib import redirect_stdout
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

import ocr
from ocr.pages import side
from ocr.synth.paper import make_document
from ocr.synth.paper.render import render

BACK_HINT = "mặt sau của tờ giấy"


def _front(seed: int = 5, doc_type: str = "giay_chung_sinh") -> np.ndarray:
    """A clean printed page, grey, 0..255."""
    page = render(doc_type, random.Random(seed), scale=1.0)[0]
    return np.asarray(page.convert("L"), np.float32)


def _back(front: np.ndarray | None, strength: float, mirror: bool = True) -> np.ndarray:
    """Blank paper with the print of `front` showing through it, blurred and faint (mirrored, as
    seen from the back, or not: a faint print seen from its own side)."""
    paper = np.full(_front().shape if front is None else front.shape, 238.0, np.float32)
    if front is not None and strength > 0:
        dark = 1.0 - front / 255.0
        dark = cv2.GaussianBlur(dark[:, ::-1] if mirror else dark, (0, 0), 1.4)
        paper *= 1.0 - strength * dark
    grain = np.random.default_rng(3).normal(0, 1.2, paper.shape).astype(np.float32)
    return np.clip(paper + grain, 0, 255)


def _photo(flat: np.ndarray, path: Path, seed: int = 1) -> Path:
    """The flat page photographed on a dark table, a little tilted, saved as a JPEG."""
    rng = np.random.default_rng(seed)
    W, H = 1200, 1600
    h, w = flat.shape
    k = 0.78 * H / h
    cw, ch = w * k, h * k
    x0, y0 = (W - cw) / 2, (H - ch) / 2
    quad = np.float32([[x0 + 20, y0], [x0 + cw - 10, y0 + 25], [x0 + cw, y0 + ch], [x0 - 5, y0 + ch - 15]])
    M = cv2.getPerspectiveTransform(np.float32([[0, 0], [w, 0], [w, h], [0, h]]), quad)
    page = cv2.warpPerspective(flat, M, (W, H), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.ones_like(flat), M, (W, H))
    table = 45 + rng.normal(0, 3, (H, W)).astype(np.float32)
    img = table * (1 - mask) + page * mask
    img = cv2.GaussianBlur(img, (0, 0), 0.5) + rng.normal(0, 2, (H, W)).astype(np.float32)
    rgb = np.repeat(np.clip(img, 0, 255).astype(np.uint8)[..., None], 3, axis=2)
    Image.fromarray(rgb).save(path, "JPEG", quality=90)
    return path


@pytest.fixture(scope="module")
def photos(tmp_path_factory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("side22")
    front = _front()
    return {
        "show_through": _photo(_back(front, 0.16), d / "show_through.jpg"),
        "plain_back": _photo(_back(None, 0.0), d / "plain_back.jpg", seed=2),
    }


def test_a_mirrored_faint_print_reads_mirrored_and_a_faint_plain_one_does_not():
    front = _front()
    mirrored = side.mirrored_print(_back(front, 0.16).astype(np.uint8))
    assert mirrored["mirrored"], mirrored
    assert mirrored["words_mirrored"] >= 2 * mirrored["words_plain"] + 1
    # the same faint print seen from its own side (a faded page) is not its back
    plain = side.mirrored_print(_back(front, 0.16, mirror=False).astype(np.uint8))
    assert not plain["mirrored"], plain
    # nor is blank paper: nothing is read
    assert not side.mirrored_print(_back(None, 0.0).astype(np.uint8))["mirrored"]


def test_the_back_of_a_page_with_its_print_showing_through_is_the_back(photos):
    r = ocr.analyze(photos["show_through"], expect="paper")
    q = r["quality"]
    assert q["problems"] == ["not_document"], q
    assert q["metrics"]["page_side"] == "back"
    assert BACK_HINT in ocr.verdict_text(r) and "lật tờ giấy lại" in ocr.verdict_text(r)
    assert r["document"] is None


def test_a_plain_back_is_the_back_with_the_turn_it_over_hint(photos):
    r = ocr.analyze(photos["plain_back"], expect="paper")
    q = r["quality"]
    assert q["problems"] == ["not_document"], q
    assert q["metrics"]["page_side"] == "back" and q["metrics"]["page_side_by"] == "blank"
    text = ocr.verdict_text(r)
    assert BACK_HINT in text and "Không thấy giấy tờ" not in text


def test_page_side_is_only_for_a_paper_step(photos):
    # an ID-card step or a stray photo: the verdict and hint as before
    for expect in ("id_card", None):
        q = ocr.analyze(photos["plain_back"], expect=expect, read=False)["quality"]
        assert "page_side" not in q["metrics"]


@pytest.mark.parametrize("seed", [341_001, 341_002, 341_003, 341_004, 341_005, 341_006])
def test_a_printed_page_is_never_its_back(tmp_path, seed):
    doc_type = ["giay_chung_sinh", "to_khai_cu_tru", "giay_uy_quyen"][seed % 3]
    data, _ = make_document(seed, doc_type, "good")[0]
    p = tmp_path / "good.jpg"
    p.write_bytes(data)
    q = ocr.analyze(p, expect="paper", read=False)["quality"]
    assert "page_side" not in q["metrics"] and "not_document" not in q["problems"], q
    # nor the same page photographed clean: print on white paper
    flat = _photo(_front(seed % 7), tmp_path / "flat.jpg")
    q = ocr.analyze(flat, expect="paper", read=False)["quality"]
    assert q["problems"] == [] and "page_side" not in q["metrics"], q


def test_ocr_json_shows_page_side(photos):
    from ocr.cli import main

    out = io.StringIO()
    with redirect_stdout(out):
        assert main([str(photos["plain_back"]), "--json", "--expect", "paper"]) == 0
    got = json.loads(out.getvalue())
    got = got[0] if isinstance(got, list) else got
    assert got["quality"]["problems"] == ["not_document"]
    assert got["quality"]["metrics"]["page_side"] == "back"


async def test_the_chat_at_a_paper_step_gives_the_turn_it_over_hint(photos, tmp_path, monkeypatch):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "flows"))
    from dialogue_kit import Chat, FakeContext, ScriptedNLU

    from bot import ocr_pool, turn_context
    from core.media import MediaStore
    from flows.engine import Engine

    monkeypatch.setitem(ocr_pool._config, "processes", 0)  # the real check, in a thread
    media = MediaStore(tmp_path)
    for name, p in photos.items():
        (tmp_path / f"{name}.jpg").write_bytes(p.read_bytes())

    class RealPhotos(FakeContext):
        async def check_photo(self, attachment, expect):
            return await turn_context.check_photo(media, attachment, expect)

    chat = Chat(Engine(ScriptedNLU({}), agency_name="UBND phường Thử Nghiệm"), RealPhotos())
    await chat.send("xin chào")
    await chat.send("1")
    await chat.send("2")  # birth registration alone
    await chat.send("đồng ý")
    assert "Bước 1/2" in await chat.send("2")
    assert chat.step == "doc"
    for name in ("plain_back", "show_through"):
        reply = await chat.send(photo=f"{name}.jpg")
        assert "chưa dùng được" in reply and BACK_HINT in reply and "lật tờ giấy lại" in reply, reply
        assert "Không thấy giấy tờ" not in reply
        assert chat.step == "doc" and not chat.ctx.documents
