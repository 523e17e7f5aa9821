"""Issue 12, round cmnd24: the old CMND front's date of birth and addresses on their dotted lines
(leader dots seen between typed words, a seal's faint inner ring on a bluish card), and generator
A widened for new seeds only."""

from __future__ import annotations

import hashlib

import cv2
import numpy as np

from ocr import leaders, seals

LINE_H = 45.0


def _dotted_row(tiny: bool) -> tuple[np.ndarray, list[tuple[int, int]], np.ndarray]:
    """Ink (0/1) of a dotted line at 11 px a step with words typed over it: the dots under the
    words are hidden, a pair of dots seen in each gap between words; `tiny`: the dots one or two
    pixels each, as faint dots come out of Otsu's cut or a JPEG."""
    ink = np.zeros((120, 1400), np.uint8)
    y = 60
    words = [(100, 170), (195, 300), (325, 450), (475, 560), (585, 700)]  # x0, x1 of each word
    for x0, x1 in words:
        ink[y - 30 : y, x0:x1] = 1  # the word's print, standing on the line
    seen, rng = [], np.random.default_rng(3)
    for x in range(90, 1380, 11):
        if any(x0 - 4 <= x <= x1 + 4 for x0, x1 in words):
            continue  # under a word
        if tiny:  # 1 x 1, 2 x 2, 1 x 2 or 2 x 1 pixels
            kind = rng.integers(4)
            ink[y + 3 : y + 3 + (kind in (1, 2)) + 1, x : x + (kind in (1, 3)) + 1] = 1
        else:
            cv2.circle(ink, (x, y + 4), 1, 1, -1)
        seen.append((x, y + 4))
    return ink, seen, np.array(words)


def test_tiny_leader_dots_one_or_two_pixels_are_leader_dots():
    ink, seen, _ = _dotted_row(tiny=True)
    m = leaders.leader_mask(ink, max(2, int(0.16 * LINE_H)))
    hit = [m[y - 1 : y + 2, x - 1 : x + 3].any() for x, y in seen]
    assert np.mean(hit) > 0.95


def test_leader_dots_between_typed_words_are_erased_too():
    """The pairs of dots seen between words are several steps from the next one seen: they are
    on the line's beat all the same (they had been left, read into the value: "Tân.,Lập,...H..."
    and a date "02/06/1991" read "92/98/1991")."""
    ink, seen, words = _dotted_row(tiny=False)
    m = leaders.leader_mask(ink, max(2, int(0.16 * LINE_H)))
    between = [(x, y) for x, y in seen if x < words[-1][1]]
    assert between and all(m[y, x] for x, y in between)
    assert not m[30:60, 100:700].any()  # the words' print stays


def test_a_stray_mark_off_the_beat_is_no_leader_dot():
    ink, seen, _ = _dotted_row(tiny=False)
    cv2.circle(ink, (184, 64), 1, 1, -1)  # between two dots seen, half a step off the beat
    m = leaders.leader_mask(ink, max(2, int(0.16 * LINE_H)))
    assert not m[64, 184] and m[64, 178] and m[64, 189]


def _bluish_seal() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A bluish card (an old CMND's) with a seal stamped over it, multiplied: a strong outer ring
    and a thin inner one whose red stays below the card's own green and blue."""
    img = np.full((400, 700, 3), (205, 230, 236), np.float32)
    outer = np.zeros(img.shape[:2], np.uint8)
    inner = np.zeros(img.shape[:2], np.uint8)
    cv2.circle(outer, (350, 200), 95, 1, 4)
    cv2.circle(inner, (350, 200), 68, 1, 2)
    img[outer > 0] *= np.array((200, 60, 70), np.float32) / 255
    img[inner > 0] *= np.array((235, 204, 209), np.float32) / 255  # faint, thin
    img = cv2.GaussianBlur(img, (3, 3), 0)
    return np.clip(img, 0, 255).astype(np.uint8), outer, inner


def test_a_seals_faint_inner_ring_on_a_bluish_card_is_painted_over():
    img, outer, inner = _bluish_seal()
    ex = seals.redness(img)
    assert np.percentile(ex[inner > 0], 75) < 10  # below half the red excess: found by contrast only
    gray = cv2.cvtColor(img, cv2.COLOR_RGB2GRAY)
    out = seals.erase(img, gray, LINE_H)
    paper = float(np.median(gray))
    assert out[inner > 0].mean() > paper - 8  # the inner ring gone (it crossed the date)
    assert out[outer > 0].mean() > paper - 8  # and the outer one, its red channel dark too


# sha1 of make_sample's JPEG for old fronts of seeds under wide.MIN_SEED, as drawn before round
# cmnd24 (main 4ce99ac's generator): those photos must stay the same
BEFORE = {
    24100003: "d16061dbdcacfde73bdc8148ec8aca40c76b35e6",
    24000011: "9c59b416a923a4c1ce49c263d2d2e050efd87b15",
    27700005: "3dabaf94a0541083fbc5bba7af746fa926b3f4f8",
    28700014: "e42e826a47f14d5b21b98a938b1cc243b716be98",
    29100005: "8c43131486148e8e211a03b61eed30267474654d",
    29199999: "b848a0acaf6fce9fdddd7cc38a9b74eb05bc3883",
    410099: "a0302ea8a3fd2f6088129070706ce39749a3fd96",
    23100037: "ac197016ef6c8d978cccd91318c09c53ca6033cc",
}


def test_older_seeds_photos_are_byte_identical():
    from ocr.synth import make_sample

    for seed, sha in BEFORE.items():
        data, _ = make_sample(seed, "cmnd_front", "good")
        assert hashlib.sha1(data).hexdigest() == sha, seed


def test_new_seeds_draw_the_wider_forms():
    from ocr.synth import wide

    assert wide.wide({"id_number": "123456789"}, wide.MIN_SEED - 1) is None
    drawn = [wide.wide({"id_number": f"{i:09d}"}, wide.MIN_SEED) for i in range(200)]
    seps = {w.sep for w in drawn if w}
    assert {" - ", ".", " . "} <= seps
    assert any(w.track for w in drawn) and any(w.next for w in drawn)
    parts = drawn[0].split("Nguyên quán", "X. Tân Phú, H. Điện Bàn, T. Quảng Nam", lambda t: True)
    assert parts is None or " ".join(parts) == "X. Tân Phú, H. Điện Bàn, T. Quảng Nam"


def _w(text: str, x0: int, x1: int, y0: int = 100, y1: int = 130) -> dict:
    return {"text": text, "conf": 0.9, "x0": x0, "y0": y0, "x1": x1, "y1": y1, "h": y1 - y0}


def test_a_date_typed_right_after_its_label_keeps_its_first_digits():
    """ "Sinh ngày:27 / 06 / 2000": Tesseract read the label with the day as one word
    ("ngày:27"); the day was taken for part of the label and lost ("06 /2000", no date)."""
    from ocr import labels
    from ocr.values import parse_date

    rows = [
        [
            _w("Họ", 100, 140, 20, 50),
            _w("tên:", 150, 210, 20, 50),
            _w("LÊ", 240, 290, 20, 50),
            _w("AN", 300, 350, 20, 50),
        ],
        [
            _w("Sinh", 100, 170),
            _w("ngày:27", 180, 320),
            _w("/", 350, 360),
            _w("06", 390, 430),
            _w("/2000", 460, 560),
        ],
    ]
    vals = labels.values(rows, labels.find_labels(rows), 20.0)
    assert parse_date(vals["date_of_birth"]["text"]) == "2000-06-27"


def _typed_wide(text: str) -> np.ndarray:
    from PIL import Image, ImageDraw, ImageFont

    img = Image.new("L", (1200, 90), 205)
    d = ImageDraw.Draw(img)
    f = ImageFont.truetype("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", 34)
    x = 40.0
    for ch in text:
        d.text((x, 62), ch, font=f, fill=30, anchor="ls")
        x += f.getlength(ch) + (14 if ch != " " else 0)
    return np.asarray(img).copy()


def test_a_date_typed_wide_apart_is_read_whole():
    """A typewriter's wide spacing split "2 5 . 0 9 . 1 9 5 1" into runs, and only some were
    read ("22-1", "09"): the date's line is read again whole, its gaps closed up."""
    from ocr import read
    from ocr.values import parse_date

    gray = _typed_wide("2 5 . 0 9 . 1 9 5 1")
    got = read._digits_again(gray, [_w("22-1", 38, 150, 36, 64)], None)
    assert got and parse_date(got[0]) == "1951-09-25"
