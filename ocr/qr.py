"""The QR code of the chip cards: decode it and tell its fields by their shape, not by position.

The 2021 card's QR is `id12|old9|name|ddmmyyyy|sex|address|ddmmyyyy`; the 2024 card's QR (on its
back) is not confirmed field by field, so every payload is read the same way: a 12-digit part is
the number, a 9-digit one the old CMND number, dates in order of time are birth, issue (and
expiry), `Nam`/`Nữ` the sex, a part of letters only the name, and parts with commas or house
numbers are addresses (which address is which is settled against the printed text, see
`assign_addresses`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from core.vietnamese import strip_diacritics

from .values import parse_date


def read_qr(gray):
    """(text, (cx, cy)) of the first QR code zxing-cpp decodes in a grey image, or None."""
    import zxingcpp

    try:
        res = zxingcpp.read_barcodes(gray, formats=zxingcpp.BarcodeFormat.QRCode)
    except Exception:
        return None
    for r in res:
        if r.valid and r.text:
            p = r.position
            cx = (p.top_left.x + p.top_right.x + p.bottom_left.x + p.bottom_right.x) / 4
            cy = (p.top_left.y + p.top_right.y + p.bottom_left.y + p.bottom_right.y) / 4
            return r.text, (cx, cy)
    return None


def read_qr_corners(gray, left_first: bool = False) -> str | None:
    """A second try for a QR the whole card did not give: each top corner alone (the QR is printed
    in a top corner on both sides that carry one), rescaled (zxing wants 3-8 px a module: a small,
    soft QR is brought up, a coarse one down), as it is, sharpened, or binarised with a local
    threshold. The right corner is tried first (the 2021 chip front's QR), the left one first with
    `left_first` (the 2024 back's): a card has one QR, so the order only saves the other corner's
    dozen tries."""
    import cv2

    H, W = gray.shape
    corners = [(int(W * 0.55), W), (0, int(W * 0.45))]
    for x0, x1 in corners[::-1] if left_first else corners:
        crop = gray[: int(H * 0.6), x0:x1]
        for f in (1.5, 0.75, 2.5, 3.0):
            up = cv2.resize(
                crop, None, fx=f, fy=f, interpolation=cv2.INTER_CUBIC if f > 1 else cv2.INTER_AREA
            )
            for how in ("plain", "sharpened", "binarised"):
                if how == "plain":
                    img = up
                elif how == "sharpened":  # modules of 1-2 px blurred together: an unsharp mask
                    img = cv2.addWeighted(up, 2.0, cv2.GaussianBlur(up, (0, 0), 2 * f), -1.0, 0)
                else:
                    img = cv2.adaptiveThreshold(
                        up, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, int(31 * f) | 1, 5
                    )
                r = read_qr(img)
                if r is not None:
                    return r[0]
    return None


def _is_date(p: str) -> bool:
    return bool(re.fullmatch(r"\d{8}", p)) and parse_date(p) is not None


def parse_qr(text: str) -> tuple[dict, dict]:
    """Fields and checks of a card QR payload; extra addresses under "addresses"."""
    parts = [unicodedata.normalize("NFC", p).strip() for p in text.split("|")]
    checks: dict = {"fields": len(parts)}
    f: dict = {}
    if len(parts) < 5:
        checks["format"] = "unknown"
        return f, checks
    order: list[str] = []
    dates = []
    addresses = []
    for i, p in enumerate(parts):
        if not p:
            order.append("")
        elif re.fullmatch(r"\d{12}", p) and "id_number" not in f:
            f["id_number"] = p
            order.append("id_number")
        elif re.fullmatch(r"\d{9}(\d{3})?", p) and "old_id_number" not in f:
            f["old_id_number"] = p
            order.append("old_id_number")
        elif _is_date(p):
            dates.append((parse_date(p), i))
            order.append("date")
        elif p in ("Nam", "Nữ"):
            f["sex"] = p
            order.append("sex")
        elif (
            "full_name" not in f
            and re.fullmatch(r"[^\W\d_]+( [^\W\d_]+){1,6}", p)
            and strip_diacritics(p).replace(" ", "").isascii()
        ):
            f["full_name"] = p.upper()
            order.append("full_name")
        elif re.search(r"[^\W\d_]", p):
            addresses.append(p)
            order.append("address")
        else:
            order.append("?")
    names = ["date_of_birth", "date_of_issue", "date_of_expiry"]
    for (d, i), name in zip(sorted(dates), names):
        f[name] = d
        order[i] = name
    if addresses:
        f["place_of_residence"] = addresses[0]
        if len(addresses) > 1:
            f["addresses"] = addresses
    checks["order"] = order
    ok = "id_number" in f and "date_of_birth" in f and "sex" in f
    checks["format"] = "ok" if ok else "unexpected"
    return f, checks


def _sim(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, strip_diacritics(a).lower(), strip_diacritics(b).lower()).ratio()


def assign_addresses(addresses: list[str], printed: dict[str, str]) -> dict[str, str]:
    """Which QR address is the residence and which the place of origin/birth registration: the
    assignment that best agrees with the printed values (in QR order when nothing was read)."""
    keys = ["place_of_residence", "place_of_origin"]
    if len(addresses) < 2:
        return {keys[0]: addresses[0]} if addresses else {}
    a, b = addresses[0], addresses[1]
    straight = _sim(a, printed.get(keys[0], "")) + _sim(b, printed.get(keys[1], ""))
    swapped = _sim(b, printed.get(keys[0], "")) + _sim(a, printed.get(keys[1], ""))
    if swapped > straight + 0.1:
        a, b = b, a
    return {keys[0]: a, keys[1]: b}
