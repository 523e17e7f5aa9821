"""What real phone photos of papers add to a clean page: the paper itself (grey recycled stock, a
low-contrast photocopy), a red round seal, the camera (a page tilted up to ~25° from the lens, white
balance, a flash hot-spot, hard shadows, a hand holding the page) and the chat apps (Zalo and
Messenger resize photos to 800–1280 px and recompress them). Test and benchmark code only."""

from __future__ import annotations

import io
import random

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

SEAL_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def paper_stock(page: Image.Image, rng: random.Random) -> tuple[Image.Image, str]:
    """The page on white, grey recycled paper, or as a faded photocopy; returns (page, stock)."""
    stock = rng.choices(["white", "recycled", "photocopy"], (0.6, 0.2, 0.2))[0]
    if stock == "white":
        return page, stock
    a = np.asarray(page, np.float32)
    nrng = np.random.default_rng(rng.randrange(1 << 30))
    h, w = a.shape[:2]
    if stock == "recycled":  # grey-beige paper with fibres; the ink keeps its colour
        tone = np.array([rng.uniform(200, 228)] * 3, np.float32) * np.array([1.0, 0.985, 0.95], np.float32)
        v = a / 255.0
        out = a * (tone / 250.0)
        out += nrng.normal(0, 3.0, (h, w, 1)).astype(np.float32) * v.mean(2, keepdims=True)
    else:  # photocopy: grey, low contrast, toner specks, slightly soft
        g = a.mean(2, keepdims=True) / 255.0
        paper, ink = rng.uniform(215, 242), rng.uniform(70, 125)
        out = np.repeat(ink + g * (paper - ink), 3, axis=2)
        specks = nrng.random((h, w)) < rng.uniform(0.0003, 0.002)
        out[specks] *= 0.5
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.4, 0.9))
    return Image.fromarray(np.clip(out, 0, 255).astype(np.uint8)), stock


def seal(page: Image.Image, rng: random.Random) -> Image.Image:
    """A red round seal (a ring of text and a star) over the lower right signature block."""
    w, h = page.size
    r = int(w * rng.uniform(0.08, 0.11))
    tile = Image.new("L", (2 * r + 4, 2 * r + 4), 0)
    d = ImageDraw.Draw(tile)
    c = r + 2
    lw = max(2, r // 14)
    d.ellipse((c - r, c - r, c + r, c + r), outline=255, width=lw)
    d.ellipse((c - r * 0.62, c - r * 0.62, c + r * 0.62, c + r * 0.62), outline=255, width=max(1, lw // 2))
    fnt = ImageFont.truetype(SEAL_FONT, max(8, int(r * 0.2)))
    text = rng.choice(["ỦY BAN NHÂN DÂN * CÔNG AN", "BỆNH VIỆN ĐA KHOA * SỞ Y TẾ", "PHÒNG CÔNG CHỨNG SỐ 1 *"])
    for i, ch in enumerate(text):
        t = 2 * np.pi * i / len(text) - np.pi / 2
        x, y = c + r * 0.8 * np.cos(t), c + r * 0.8 * np.sin(t)
        g = Image.new("L", (int(r * 0.3), int(r * 0.3)), 0)
        ImageDraw.Draw(g).text((r * 0.15, r * 0.15), ch, font=fnt, fill=255, anchor="mm")
        g = g.rotate(-np.degrees(t) - 90, resample=Image.BILINEAR)
        tile.paste(255, (int(x - r * 0.15), int(y - r * 0.15)), g)
    star = [
        (
            c + r * 0.35 * np.cos(k * 4 * np.pi / 5 - np.pi / 2),
            c + r * 0.35 * np.sin(k * 4 * np.pi / 5 - np.pi / 2),
        )
        for k in range(5)
    ]
    d.polygon(star, fill=255)
    tile = tile.rotate(rng.uniform(0, 360), resample=Image.BILINEAR)
    a = np.asarray(tile, np.float32) / 255.0 * rng.uniform(0.55, 0.9)
    cx, cy = int(w * rng.uniform(0.62, 0.8)), int(h * rng.uniform(0.62, 0.85))
    pg = np.asarray(page, np.float32).copy()
    y0, x0 = max(0, cy - c), max(0, cx - c)
    y1, x1 = min(h, y0 + a.shape[0]), min(w, x0 + a.shape[1])
    a = a[: y1 - y0, : x1 - x0, None]
    red = np.array([200, 30, 40], np.float32)
    reg = pg[y0:y1, x0:x1]
    pg[y0:y1, x0:x1] = reg * (1 - a) + np.minimum(reg, red) * a  # ink over print: multiply-like
    return Image.fromarray(np.clip(pg, 0, 255).astype(np.uint8))


def tilted(cw: float, ch: float, deg: float, rng: random.Random) -> np.ndarray:
    """The corners (tl, tr, br, bl, centred on 0) of a cw × ch page turned `deg` degrees away from
    the lens about a random axis in its plane, through a phone-like pinhole."""
    a = rng.uniform(0, np.pi)
    ax = np.array([np.cos(a), np.sin(a), 0.0])
    t = np.deg2rad(deg)
    K = np.array([[0, -ax[2], ax[1]], [ax[2], 0, -ax[0]], [-ax[1], ax[0], 0]])
    R = np.eye(3) + np.sin(t) * K + (1 - np.cos(t)) * K @ K
    P = (
        np.array([[-cw / 2, -ch / 2, 0], [cw / 2, -ch / 2, 0], [cw / 2, ch / 2, 0], [-cw / 2, ch / 2, 0]])
        @ R.T
    )
    f = 1.1 * max(cw, ch)
    return np.stack([f * P[:, 0] / (f + P[:, 2]), f * P[:, 1] / (f + P[:, 2])], 1)


def white_balance(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """Warm (indoor bulbs) or cool (shade, fluorescent) white balance, often neither."""
    kind = rng.choices(["none", "warm", "cool"], (0.4, 0.35, 0.25))[0]
    if kind == "none":
        return img
    k = rng.uniform(0.05, 0.14)
    gains = np.array([1 + k, 1.0, 1 - k * 1.4] if kind == "warm" else [1 - k, 1.0, 1 + k * 0.8], np.float32)
    return img * gains


def _page_coords(
    quad: np.ndarray, h: int, w: int, size_cm: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """Each pixel's position on the page's plane in cm (x across, y down; outside the page too)."""
    pw, ph = size_cm
    H = cv2.getPerspectiveTransform(quad.astype(np.float32), np.float32([[0, 0], [pw, 0], [pw, ph], [0, ph]]))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    d = H[2, 0] * xx + H[2, 1] * yy + H[2, 2]
    return (H[0, 0] * xx + H[0, 1] * yy + H[0, 2]) / d, (H[1, 0] * xx + H[1, 1] * yy + H[1, 2]) / d


def flash_light(
    quad: np.ndarray, h: int, w: int, rng: random.Random, glossy: bool = False, at: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, dict]:
    """The light a phone's flash throws on a page, from the physics of it (issue 19, sixth pass).

    The flash sits ~1 cm from the lens, 20-40 cm over the page. Diffuse light (what matte paper
    and ink reflect in proportion to their albedo) falls off as cos(i)/r² = d/r³, so the corners
    of an A4 page get 40-75 % of its centre's. The specular part (the paper's sheen, added to
    paper and ink alike) is a lobe around the point where the mirror reflection of the flash
    reaches the lens: the foot of the perpendicular from the phone to the page, which a tilted
    phone moves off the page's centre (or off the page). It is round on the page (an ellipse in
    a tilted photo), its half-width d·tan(2σ) with σ the sheen's spread: 4-9° on matte or
    semi-matte office paper (3-13 cm), 1.5-4° on glossy stock or a plastic sleeve (1-6 cm; sharp,
    strong, the real glare). at: the foot in the frame's pixels (else the frame's centre give or take, moved
    by a phone tilted 0-12°). Returns (diffuse gain, specular addition in 0-255 levels, facts)."""
    pw, ph = (21.0, 29.7)
    qs = quad.max(0) - quad.min(0)
    if qs[0] > qs[1]:
        pw, ph = ph, pw
    X, Y = _page_coords(quad, h, w, (pw, ph))
    d = rng.uniform(20, 40)
    # where the phone's perpendicular foot lands: near the frame's centre, moved by the tilt
    f = at if at is not None else (w / 2 + rng.uniform(-0.15, 0.15) * w, h / 2 + rng.uniform(-0.15, 0.15) * h)
    Hq = cv2.getPerspectiveTransform(
        quad.astype(np.float32), np.float32([[0, 0], [pw, 0], [pw, ph], [0, ph]])
    )
    foot = cv2.perspectiveTransform(np.float32([[f]]), Hq)[0, 0]
    if at is None:
        tilt, a = np.deg2rad(rng.uniform(0, 12)), rng.uniform(0, 2 * np.pi)
        foot = foot + d * np.tan(tilt) * np.array([np.cos(a), np.sin(a)])
    rho2 = (X - foot[0]) ** 2 + (Y - foot[1]) ** 2
    diffuse = (d / np.sqrt(d * d + rho2)) ** 3
    sigma = np.deg2rad(rng.uniform(1.5, 4.0) if glossy else rng.uniform(4.0, 12.0))
    ang = np.arctan(np.sqrt(rho2) / d) / 2  # the half-vector's angle from the normal (flash ≈ lens)
    lobe = np.exp(-((ang / sigma) ** 2) / 2)
    # matte paper's sheen: from barely there to clipping the paper (the ink under it lifted by as
    # much, so it stays darker than the paper: readable); glossy: the ink washed out as well
    amp = (
        rng.uniform(350, 700)
        if glossy
        else rng.choice([rng.uniform(15, 60), rng.uniform(60, 140), rng.uniform(140, 220)])
    )
    facts = {"distance_cm": round(d, 1), "spread_deg": round(float(np.rad2deg(sigma)), 1), "amp": round(amp)}
    return diffuse.astype(np.float32), (lobe * amp).astype(np.float32), facts


def flash(img: np.ndarray, quad: np.ndarray, rng: random.Random) -> np.ndarray:
    """The phone's flash on matte or semi-matte paper (a good photo): the d/r³ falloff darkens the
    page's far parts, exposure lifts it back so its centre is as bright as before, and a sheen
    spot adds light where the flash mirrors into the lens (the paper may clip there; the print,
    lifted by the same amount, stays darker than the paper)."""
    h, w = img.shape[:2]
    diffuse, spec, _ = flash_light(quad, h, w, rng)
    gain = rng.uniform(0.95, 1.15) / max(1e-3, float(np.percentile(diffuse, 95)))
    out = img * (diffuse * gain)[..., None]
    # a good photo keeps its print seen under the sheen: on a faded photocopy (its print already
    # light) the sheen that would clip the print makes a glare photo, not a good one, so it is held
    # to leave the page's print (its 4th percentile: thin strokes, not only a bold title) at most ~230
    m = np.zeros((h, w), np.uint8)
    cv2.fillConvexPoly(m, quad.astype(np.int32), 1)
    ink = float(np.percentile(out.mean(-1)[m > 0], 4)) if m.any() else 0.0
    peak = float(spec.max())
    if peak > 0 and ink + peak > 230:
        spec = spec * max(0.0, 230 - ink) / peak
    return out + spec[..., None]


def hard_shadow(img: np.ndarray, quad: np.ndarray, rng: random.Random) -> np.ndarray:
    """A sharp-edged shadow (the phone, an arm, a window frame) over part of the page."""
    h, w = img.shape[:2]
    c = quad.mean(0)
    a = rng.uniform(0, 2 * np.pi)
    n = np.array([np.cos(a), np.sin(a)])
    off = rng.uniform(-0.1, 0.3) * (quad.max(0) - quad.min(0)).max()
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    side = (xx - c[0]) * n[0] + (yy - c[1]) * n[1] - off
    m = cv2.GaussianBlur((side > 0).astype(np.float32), (0, 0), max(1.0, w * rng.uniform(0.002, 0.01)))
    return img * (1 - rng.uniform(0.25, 0.5) * m)[..., None]


def fingers(img: np.ndarray, quad: np.ndarray, rng: random.Random) -> np.ndarray:
    """Thumbs holding the page at one or two edges, over its margin (not the print)."""
    out = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(out)
    skin = (rng.randint(170, 225), rng.randint(120, 170), rng.randint(95, 140))
    size = (quad.max(0) - quad.min(0)).max()
    for e in rng.sample(range(4), rng.randint(1, 2)):
        p, q = quad[e], quad[(e + 1) % 4]
        t = rng.uniform(0.25, 0.75)
        at = p + (q - p) * t
        inward = quad.mean(0) - at
        inward /= max(1e-6, np.linalg.norm(inward))
        r = size * rng.uniform(0.025, 0.04)
        tip = at + inward * r * 0.6  # over the margin only
        base = at - inward * r * 4
        for k in np.linspace(0, 1, 10):
            x, y = base + (tip - base) * k
            d.ellipse((x - r, y - r, x + r, y + r), fill=skin)
    arr = np.asarray(out, np.float32)
    return arr


def room(rng: random.Random, w: int, h: int) -> np.ndarray:
    """An out-of-focus room behind a page held up in a hand."""
    img = Image.new("RGB", (w, h), tuple(rng.randint(60, 200) for _ in range(3)))
    d = ImageDraw.Draw(img)
    for _ in range(rng.randint(4, 9)):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        d.rectangle(
            (x, y, x + rng.uniform(0.1, 0.5) * w, y + rng.uniform(0.1, 0.5) * h),
            fill=tuple(rng.randint(20, 230) for _ in range(3)),
        )
    return cv2.GaussianBlur(np.asarray(img, np.float32), (0, 0), w / 60)


def lap(rng: random.Random, w: int, h: int) -> np.ndarray:
    """Trousers or a skirt on a lap: dark or coloured cloth with a weave and folds."""
    base = np.array(rng.choice([(40, 55, 90), (30, 30, 35), (120, 100, 80), (70, 80, 60)]), np.float32)
    nrng = np.random.default_rng(rng.randrange(1 << 30))
    img = np.ones((h, w, 3), np.float32) * base * rng.uniform(0.8, 1.3)
    img += nrng.normal(0, 10, (h, w, 1)).astype(np.float32)
    folds = cv2.GaussianBlur(
        nrng.normal(0, 1, (max(2, h // 40), max(2, w // 40))).astype(np.float32), (0, 0), 1.5
    )
    img *= (1 + 0.35 * cv2.resize(folds, (w, h)))[..., None]
    return img


def plain_table(rng: random.Random, w: int, h: int, light: bool) -> np.ndarray:
    """A white (laminate, a white sheet) or a dark table with no pattern."""
    v = rng.uniform(200, 238) if light else rng.uniform(12, 45)
    base = np.array([v, v * rng.uniform(0.96, 1.0), v * rng.uniform(0.9, 1.0)], np.float32)
    nrng = np.random.default_rng(rng.randrange(1 << 30))
    return np.ones((h, w, 3), np.float32) * base + nrng.normal(0, 2, (h, w, 1)).astype(np.float32)


def chat_app(img: Image.Image, rng: random.Random, quality: tuple[int, int] = (75, 93)) -> bytes:
    """The JPEG a citizen's photo arrives as: half the time resized by a chat app to a long side
    of 800–1280 px and recompressed (after the camera's own JPEG); one in five saved harder
    (quality 50–70: an old phone, a forwarded photo)."""
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=rng.randint(*quality) if rng.random() < 0.8 else rng.randint(50, 70))
    if rng.random() < 0.5:
        im = Image.open(io.BytesIO(buf.getvalue()))
        long = rng.choice([800, 960, 1024, 1280])
        k = long / max(im.size)
        if k < 1:
            im = im.resize((round(im.size[0] * k), round(im.size[1] * k)), Image.LANCZOS)
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=rng.randint(60, 85))
    return buf.getvalue()


def corner_cover(img: np.ndarray, quad: np.ndarray, rng: random.Random, hand: bool) -> np.ndarray:
    """A hand holding the page by a corner (a thumb over it, the palm beyond), or a phone or a
    mug set on one: the corner itself is hidden, the print (inside the margins) is not."""
    out = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(out)
    i = rng.randrange(4)
    corner = quad[i]
    inward = quad.mean(0) - corner
    inward /= max(1e-6, np.linalg.norm(inward))
    size = (quad.max(0) - quad.min(0)).max()
    r = size * rng.uniform(0.035, 0.055)
    if hand:
        skin = (rng.randint(170, 225), rng.randint(120, 170), rng.randint(95, 140))
        tip = corner + inward * r * rng.uniform(0.8, 1.3)
        base = corner - inward * r * 6
        for k in np.linspace(0, 1, 12):
            x, y = base + (tip - base) * k
            d.ellipse((x - r, y - r, x + r, y + r), fill=skin)
    else:  # a phone or a mug over the corner
        c = corner + inward * r * rng.uniform(0.0, 0.8)
        col = (20, 20, 25) if rng.random() < 0.5 else tuple(rng.randint(60, 220) for _ in range(3))
        d.ellipse((c[0] - 1.5 * r, c[1] - 1.5 * r, c[0] + 1.5 * r, c[1] + 1.5 * r), fill=col)
    return np.asarray(out, np.float32)


def overexpose(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """An overexposed photo (metering on a dark table, the sun on the page): the paper clips to
    white over the page and the print is *lost*: lifted to a light grey a few tens of levels
    under the white (since 2026-12-07, issue 19's fifth pass: before, a gain of 1.6 left the print
    at 70/255, readable, and the verdict learnt brightness, not readability)."""
    if rng.random() < 0.3:  # hazy: the paper just under white, the print a pale grey (no clipping)
        white, keep = rng.uniform(238, 252), rng.uniform(0.04, 0.1)
    else:
        white = rng.uniform(258, 290)  # the paper, clipped at 255 after
        keep = rng.uniform(0.08, 0.22)  # what is left of the print's contrast
    out = white - (white - img * rng.uniform(1.0, 1.3)).clip(0, None) * keep
    if rng.random() < 0.3:  # the sun over part of the page: the rest a little less washed out
        h, w = img.shape[:2]
        ramp = np.linspace(0, 1, w if rng.random() < 0.5 else h, dtype=np.float32)
        ramp = ramp[None, :, None] if ramp.size == w else ramp[:, None, None]
        out = out * (1 - 0.06 * ramp) + img * (0.06 * ramp)
    return out


def bright(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """A bright but readable photo (a good one): a well-lit white page exposed high, the paper
    clipped to white over much of it, the print still dark (the camera's roll-off keeps the
    shadows): a white A4 page in good light has a mean of 0.85-1.0."""
    gain = rng.uniform(1.15, 1.7)
    x = img * gain
    knee = rng.uniform(200, 235)
    over = np.maximum(0.0, x - knee)
    return np.minimum(x, knee + over * rng.uniform(0.3, 0.7)) + rng.uniform(0, 25)


def light_spot(img: np.ndarray, quad: np.ndarray, rng: random.Random) -> np.ndarray:
    """A soft spot of light (a window, a desk lamp) over part of a good page: more light on matte
    paper multiplies what it reflects, so the paper under it clips and the print stays dark
    (readable); a little sheen is added. (Glare, the bad class, is a specular reflection: added
    light, which washes the print out.)"""
    h, w = img.shape[:2]
    span = quad.max(0) - quad.min(0)
    c = quad.mean(0) + np.array([rng.uniform(-0.35, 0.35), rng.uniform(-0.35, 0.35)]) * span
    s = rng.uniform(0.12, 0.3) * span.max()
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    spot = np.exp(-(((xx - c[0]) ** 2 + (yy - c[1]) ** 2) / (2 * s * s)))
    return img * (1 + spot * rng.uniform(0.25, 0.6))[..., None] + (spot * rng.uniform(0, 15))[..., None]


def blank(rng: random.Random, w: int, h: int) -> tuple[np.ndarray, str]:
    """No document (bad class not_document): a table, a lap or a room, with clutter or not, or a
    blank sheet on a table. Returns (image, what)."""
    what = rng.choice(["table", "lap", "room", "blank_sheet", "wall", "face", "screen"])
    if what in ("wall", "face", "screen"):
        return _no_paper(rng, w, h, what), what
    if what == "lap":
        return lap(rng, w, h), what
    if what == "room":
        return room(rng, w, h), what
    img = plain_table(rng, w, h, rng.random() < 0.3) if rng.random() < 0.5 else None
    if img is None:
        from ..photo import background

        img = background(rng, w, h).astype(np.float32)
    if what == "blank_sheet":
        x0, y0 = rng.uniform(0.1, 0.25) * w, rng.uniform(0.1, 0.2) * h
        x1, y1 = w - rng.uniform(0.1, 0.25) * w, h - rng.uniform(0.1, 0.2) * h
        img[int(y0) : int(y1), int(x0) : int(x1)] = rng.uniform(215, 245)
    return img, what


def _no_paper(rng: random.Random, w: int, h: int, what: str) -> np.ndarray:
    """A wall (painted, a switch plate, a calendar's shadow), a face (a selfie by mistake) or a
    phone or laptop screen lying on a table (a chat or a colourful app on it, no paper)."""
    if what == "wall":
        v = rng.uniform(150, 235)
        tint = np.array([1.0, rng.uniform(0.94, 1.02), rng.uniform(0.82, 1.0)], np.float32)
        img = Image.fromarray(np.full((h, w, 3), np.clip(v * tint, 0, 255), np.uint8))
        d = ImageDraw.Draw(img)
        x, y, s = rng.uniform(0.2, 0.7) * w, rng.uniform(0.3, 0.6) * h, rng.uniform(0.08, 0.14) * w
        d.rounded_rectangle(
            (x, y, x + s, y + 1.5 * s), radius=s / 10, fill=(245, 245, 240), outline=(180,) * 3
        )
        d.rectangle((x + s * 0.35, y + s * 0.5, x + s * 0.65, y + s), fill=(225, 225, 220))
        arr = np.asarray(img, np.float32)
        grad = np.linspace(rng.uniform(0.75, 1.0), rng.uniform(0.85, 1.05), h, dtype=np.float32)
        return arr * grad[:, None, None]
    if what == "face":
        img = room(rng, w, h)
        pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
        d = ImageDraw.Draw(pil)
        skin = (rng.randint(170, 230), rng.randint(120, 175), rng.randint(95, 145))
        cx, cy, r = w * rng.uniform(0.4, 0.6), h * rng.uniform(0.4, 0.55), w * rng.uniform(0.25, 0.38)
        hair = tuple(rng.randint(10, 50) for _ in range(3))
        d.ellipse((cx - r * 1.05, cy - r * 1.45, cx + r * 1.05, cy + r * 0.9), fill=hair)
        d.ellipse((cx - r * 0.8, cy - r * 1.05, cx + r * 0.8, cy + r * 1.1), fill=skin)
        d.rectangle(
            (cx - r * 1.2, cy + r * 1.05, cx + r * 1.2, h), fill=tuple(rng.randint(30, 200) for _ in range(3))
        )
        for ex in (-0.32, 0.32):
            d.ellipse(
                (cx + ex * r - r * 0.1, cy - r * 0.2, cx + ex * r + r * 0.1, cy - r * 0.08), fill=(40, 30, 30)
            )
        d.arc((cx - r * 0.3, cy + r * 0.3, cx + r * 0.3, cy + r * 0.6), 20, 160, fill=(150, 60, 60), width=4)
        return cv2.GaussianBlur(np.asarray(pil, np.float32), (0, 0), 1.2)
    from ..photo import background

    img = background(rng, w, h).astype(np.float32)
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(pil)
    sw, sh = w * rng.uniform(0.45, 0.8), h * rng.uniform(0.45, 0.75)
    x, y = rng.uniform(0.05, 0.95) * (w - sw), rng.uniform(0.05, 0.95) * (h - sh)
    d.rounded_rectangle((x, y, x + sw, y + sh), radius=sw / 12, fill=(15, 15, 18))
    bx, by = x + sw * 0.05, y + sh * 0.07
    app = tuple(rng.randint(0, 255) for _ in range(3))
    d.rectangle((bx, by, x + sw * 0.95, y + sh * 0.93), fill=app)
    for i in range(rng.randint(3, 8)):  # chat bubbles or tiles
        yy = by + (i + 0.5) * sh * 0.1
        xx = bx + (sw * 0.35 if i % 2 else sw * 0.03)
        d.rounded_rectangle(
            (xx, yy, xx + sw * rng.uniform(0.25, 0.5), yy + sh * 0.06),
            radius=8,
            fill=(0, 132, 255) if i % 2 else (235, 236, 240),
        )
    return np.asarray(pil, np.float32)


def back_of(page: Image.Image, rng: random.Random) -> tuple[Image.Image, dict]:
    """The back of a printed page (issue 19, side22): blank paper, the print of the other side
    showing through it, mirrored (the sheet turned over about its long side, left-right; in one in
    five top over bottom), blurred by the paper's fibres and faint (typical 70-80 g/m² A4: the
    show-through keeps 3-18 % of the print's darkness); in one in five no show-through at all
    (thick paper, a light print). Returns (the back, {"show_through", "mirror"})."""
    a = np.asarray(page.convert("RGB"), np.float32)
    h, w = a.shape[:2]
    strength = 0.0 if rng.random() < 0.2 else rng.uniform(0.03, 0.18)
    mirror = "lr" if rng.random() < 0.8 else "ud"
    paper = np.full((h, w, 3), 255.0, np.float32)
    if strength > 0:
        dark = 1.0 - a.mean(2) / 255.0  # the print's darkness, its colour lost in the paper
        dark = dark[:, ::-1] if mirror == "lr" else dark[::-1, :]
        dark = cv2.GaussianBlur(dark, (0, 0), rng.uniform(0.8, 2.6) * w / 1240)
        paper *= (1.0 - strength * dark)[..., None]
    # the paper's own grain, a little: a blank sheet is not a flat field
    nrng = np.random.default_rng(rng.randrange(1 << 30))
    grain = cv2.GaussianBlur(nrng.normal(0, 1.5, (h, w)).astype(np.float32), (0, 0), 1.2)
    paper += grain[..., None]
    back = Image.fromarray(np.clip(paper, 0, 255).astype(np.uint8))
    return back, {"show_through": round(strength, 3), "mirror": mirror if strength > 0 else None}
