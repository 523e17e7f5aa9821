"""Review of verdict24: a box inside a card cut by (or close to) the frame (A's chip, a print block)
is never taken for a small card of its own: the card is `cropped`, not `too_small` (the citizen told to
come closer to a card already running off the frame could not succeed). Review seeds (31400000+)."""

from __future__ import annotations

import pytest

import ocr
from ocr.synth import make_sample


def _verdict(tmp_path, seed: int, kind: str, cls: str) -> dict:
    data, _ = make_sample(seed, kind, cls, (1600, 1200))
    p = tmp_path / f"{cls}-{seed}.jpg"
    p.write_bytes(data)
    return ocr.analyze(p, expect="id_card", read=False)["quality"]


@pytest.mark.parametrize(
    "seed",
    [
        31405006,  # faint search: the chip of a cut chip card, bare round it
        31420036,  # faint search: the same
        31420021,  # the chip within the cut card's outline, which touches the frame
    ],
)
def test_a_box_inside_a_cut_card_is_not_a_small_card(tmp_path, seed):
    q = _verdict(tmp_path, seed, "cccd_back", "cropped")
    assert "too_small" not in q["problems"]
    assert "cropped" in q["problems"]
