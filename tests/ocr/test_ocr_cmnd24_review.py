"""Review of round cmnd24: the wider leader-dot beat must not take the tone dot under a letter
("THỊ", "NGỌC") for a leader dot, and digits split off a label's last word must not be kept when
they are its colon misread ("ngày1") and the value is whole without them."""

from __future__ import annotations

import numpy as np

from ocr import labels, leaders, read
from ocr.values import parse_date

LINE_H = 45.0
STEP = 11


def _row_with_dot_below() -> tuple[np.ndarray, tuple[int, int], list[tuple[int, int]]]:
    """Ink (0/1): a dotted line at 11 px a step with words typed over it (the dots under them
    hidden), one word's letter carrying a tone dot below it, on the line's beat 5 steps from the
    nearest dot seen (as "Ị" in "THỊ" does when its dot falls on the beat)."""
    ink = np.zeros((120, 1400), np.uint8)
    y = 60
    words = [(100, 170), (195, 300), (325, 450), (475, 560), (585, 700)]
    for x0, x1 in words:
        ink[y - 30 : y, x0:x1] = 1
    seen = []
    for x in range(90, 1380, STEP):
        if any(x0 - 4 <= x <= x1 + 4 for x0, x1 in words):
            continue
        ink[y + 3 : y + 6, x - 1 : x + 2] = 1
        seen.append((x, y + 4))
    # the letter: a stem standing on the line inside the third word's box, its tone dot under it
    xd = 311 + 5 * STEP  # 5 steps right of the dot seen at 311 (between words 2 and 3)
    ink[y - 30 : y, 325:450] = 0
    ink[y - 30 : y, 330:440] = 1  # the word, with the letter at xd in it
    ink[y + 3 : y + 6, xd - 1 : xd + 2] = 1
    return ink, (xd, y + 4), seen


def test_a_tone_dot_under_a_letter_far_on_the_beat_is_no_leader_dot():
    ink, (xd, yd), seen = _row_with_dot_below()
    m = leaders.leader_mask(ink, max(2, int(0.16 * LINE_H)))
    assert not m[yd, xd]  # the dot under the letter stays (it was erased: "THỊ" read "THI")
    between = [(x, y) for x, y in seen if x < 700]
    assert all(m[y, x] for x, y in between)  # the dots seen between the words still go


def _w(text: str, x0: int, x1: int, y0: int = 100, y1: int = 130) -> dict:
    return {"text": text, "conf": 0.9, "x0": x0, "y0": y0, "x1": x1, "y1": y1, "h": y1 - y0}


def _date_after(label_word: str, x1: int, values: list[tuple[str, int, int]]) -> str:
    rows = [
        [_w("Họ", 100, 140, 20, 50), _w("tên:", 150, 210, 20, 50), _w("LÊ", 240, 290, 20, 50)],
        [_w("Sinh", 100, 170), _w(label_word, 180, x1)] + [_w(t, a, b) for t, a, b in values],
    ]
    v = labels.values(rows, labels.find_labels(rows), 20.0)["date_of_birth"]
    t, _ = read._value(np.full((200, 700), 200, np.uint8), "cmnd_front", "date_of_birth", v)
    return parse_date(t)


def test_a_colon_misread_as_a_digit_is_not_taken_for_the_day():
    """ "Sinh ngày1 27 / 06 / 2000": the "1" is the label's colon; with it the date read
    "1 27 06 /2000", parsed as 12-06-2000."""
    got = _date_after(
        "ngày1", 280, [("27", 300, 340), ("/", 360, 370), ("06", 390, 430), ("/2000", 460, 560)]
    )
    assert got == "2000-06-27"


def test_a_day_glued_to_its_label_is_still_kept():
    got = _date_after("ngày:27", 320, [("/", 350, 360), ("06", 390, 430), ("/2000", 460, 560)])
    assert got == "2000-06-27"
