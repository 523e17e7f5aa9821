"""A typed date's line read again whole, its dotted line out and its wide gaps closed up (an old
CMND's "2 5 . 0 9 . 1 9 5 1" split into runs, some unread): the last try for a date."""

from __future__ import annotations

import cv2
import numpy as np

from . import leaders, tess
from .values import parse_date


def date_after_label(gray: np.ndarray, rows: list, hits: list[dict], field: str) -> tuple[str, float] | None:
    """A date whose label was read but no value after it (its runs read as "13:0", too few digits
    to be a date): the label's line right of it read whole (`read._digits_again`'s last try)."""
    h = next((h for h in hits if h["field"] == field), None)
    if h is None:
        return None
    lab = rows[h["row"]][h["w0"] : h["w1"]]
    y0, y1 = min(w["y0"] for w in lab), max(w["y1"] for w in lab)
    got = band_date(gray, [{"x0": lab[-1]["x1"] + (y1 - y0) // 2, "y0": y0, "y1": y1}])
    return (got[0], got[1] * 0.8) if got else None


def band_date(gray: np.ndarray, ws: list[dict]) -> tuple[str, float] | None:
    band = leaders.typed_band(gray, ws)  # binarised: its dots painted white, paper noise stretched
    if band.size == 0 or min(band.shape) < 8:
        return None
    bw = cv2.threshold(band, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)[1]
    t, c = tess.ocr(
        cv2.copyMakeBorder(bw, 10, 10, 10, 10, cv2.BORDER_CONSTANT, value=255), 7, "0123456789/-."
    )
    return (t, c * 0.9) if parse_date(t) else None
