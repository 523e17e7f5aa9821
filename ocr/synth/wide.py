"""Round cmnd24: an old 9-digit CMND front's typed values drawn more widely than before (public
facts: the date of birth typed after "Sinh ngày" as "12-03-1985", "12/03/1985", "12.03.1985",
"12 - 03 - 1985", sometimes with wide spaces on its dotted line; addresses over two dotted lines,
the break anywhere; a value on the label's line or the next dotted line). Only cards of seeds
from MIN_SEED on, drawn from a stream of their own (`wide|id`), so every older seed's photo stays
byte for byte as it was."""

from __future__ import annotations

import random

MIN_SEED = 29200000
SEPS = ["-", "/", ".", " - ", " / ", " . ", "  -  ", " -", "/ "]
ADDRESS = ("Nguyên quán", "Nơi ĐKHK thường trú")


class Wide:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.sep = rng.choice(SEPS)
        # the date's characters typed apart (a typewriter's wide spacing), in shares of the size
        self.track = rng.uniform(0.15, 0.6) if rng.random() < 0.35 else 0.0
        self.next = {f for f in ("Sinh ngày", *ADDRESS) if rng.random() < 0.25}
        self.brk = rng.random() < 0.6  # an address broken at another place than its wrap

    def date(self, iso: str) -> str:
        return f"{iso[8:10]}{self.sep}{iso[5:7]}{self.sep}{iso[0:4]}"

    def next_line(self, vn: str) -> bool:
        return vn in self.next

    def extra_lines(self) -> int:
        return len(self.next)

    def split(self, vn: str, value: str, fits) -> list[str] | None:
        """Two lines of an address broken after a random comma or word (`fits(first)`: the first
        line fits its room), or None (as wrapped)."""
        words = value.split()
        if not self.brk or vn not in ADDRESS or len(words) < 3:
            return None
        cuts = [i for i in range(1, len(words)) if fits(" ".join(words[:i]))]
        if not cuts:
            return None
        commas = [i for i in cuts if words[i - 1].endswith(",")]
        i = self.rng.choice(commas) if commas and self.rng.random() < 0.6 else self.rng.choice(cuts)
        return [" ".join(words[:i]), " ".join(words[i:])]

    def spaced(self, fl, x, y, t, size, bold, fill, fam) -> float:
        """`t` a character at a time, `track` of the size apart (wide typing). Returns its end."""
        for ch in t:
            x = fl.text(x, y, ch, size, bold, fill, fam) + (self.track * size if ch != " " else 0.0)
        return x


def wide(ident: dict, seed: int | None) -> Wide | None:
    """Every old 9-digit front of a seed from MIN_SEED on (none drawn without a seed)."""
    if seed is None or seed < MIN_SEED:
        return None
    return Wide(random.Random(f"wide|{ident['id_number']}"))
