"""Phone photos of flat pages: on a table with clutter, tilted, curled, in shadow, turned 90/180°,
and the bad classes (blurry, too dark, cut off, too small, glare). Test and benchmark code only."""

from __future__ import annotations

import random

import cv2
import numpy as np
from PIL import Image, ImageDraw

from ..photo import background
from . import wear

# bad class -> the contract's problem code the verdict should give
BAD = {
    "blurry": "blurry",
    "too_dark": "too_dark",
    "cut_off": "cropped",
    "too_small": "too_small",
    "glare": "glare",
    "too_bright": "too_bright",
    "not_document": "not_document",
}
# the back of a printed page (side22): not among BAD, so that a set's classes and seeds stay as
# they were; made only when asked (write_set's `back`), labelled side "back"
BACK_SIDE = "back_side"
FLASH_SHARE = 0.2  # good photos with the phone's flash (a focused development set raises it)
EDGE_SHARE = 0.3  # good photos filling the frame or over its edge by a hair (likewise)


def _clutter(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """A pen, a phone, a cup ring or a sticky note on the table."""
    h, w = img.shape[:2]
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(pil)
    for _ in range(rng.randint(0, 3)):
        x, y = rng.uniform(0, w), rng.uniform(0, h)
        kind = rng.choice(["pen", "phone", "cup", "note"])
        col = tuple(rng.randint(0, 255) for _ in range(3))
        if kind == "pen":
            a = rng.uniform(0, np.pi)
            L = w * rng.uniform(0.15, 0.3)
            d.line((x, y, x + L * np.cos(a), y + L * np.sin(a)), fill=col, width=max(3, int(w / 120)))
        elif kind == "phone":
            s = w * rng.uniform(0.08, 0.14)
            d.rounded_rectangle((x, y, x + s, y + 2 * s), radius=s / 6, fill=(20, 20, 25))
        elif kind == "cup":
            r = w * rng.uniform(0.05, 0.1)
            d.ellipse((x - r, y - r, x + r, y + r), outline=col, width=max(3, int(r / 5)))
        else:
            s = w * rng.uniform(0.06, 0.1)
            d.rectangle((x, y, x + s, y + s), fill=(250, 235, 120))
    return np.asarray(pil, np.float32)


def curl(page: np.ndarray, rng: random.Random, amount: float) -> np.ndarray:
    """Bend the page like paper lifted along one edge: rows sag by a smooth bow, with shading."""
    return bend(page, amount, "bow" if rng.random() < 0.5 else "edge")


def bend(page: np.ndarray, amount: float, shape: str) -> np.ndarray:
    """The page's rows bent by `amount` × its height: "bow" sags in the middle (a page lifted at
    two sides, or held in a hand), "edge" rises towards one side (lifted along one edge)."""
    h, w = page.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    u = xx / w
    bow = amount * h * (np.sin(np.pi * u) if shape == "bow" else u * u)
    mapy = yy + bow * (yy / h - 0.5) * 0.8 + bow * 0.3
    out = cv2.remap(page, xx, mapy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    shade = 1.0 - 0.35 * amount * 10 * np.abs(np.gradient(bow, axis=1)) * w / h
    return out * np.clip(shade, 0.7, 1.0)[..., None]


def _bent_sheet(
    src: np.ndarray, quad: np.ndarray, sheet: tuple[float, str, int], size: tuple[int, int], frame: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(quad, page, mask) of a whole bent sheet warped into the frame; the quad shrunk about its
    centre when the bent outline would leave the frame (a good photo keeps the page in it)."""
    from .sheet import bend_sheet

    w, h = size
    sh, sw = src.shape[:2]
    canvas, smask, pad = bend_sheet(src, sheet[0], sheet[1], random.Random(sheet[2]))
    T = np.array([[1, 0, -pad], [0, 1, -pad], [0, 0, 1]], np.float64)
    ys, xs = np.nonzero(smask > 0.5)
    pts = np.stack([xs, ys], 1).astype(np.float32)[:: max(1, len(xs) // 4000)]
    m = (0.015 if frame == "normal" else 0.002) * min(w, h)
    for _ in range(3):
        M = cv2.getPerspectiveTransform(np.float32([[0, 0], [sw, 0], [sw, sh], [0, sh]]), quad) @ T
        p = cv2.perspectiveTransform(pts[None], M)[0]
        lo, hi = p.min(0), p.max(0)
        if frame == "touches" or (lo >= m - 1).all() and (hi <= np.array([w, h]) - m + 1).all():
            break
        k = min(1.0, (w - 2 * m) / (hi - lo)[0], (h - 2 * m) / (hi - lo)[1]) * 0.995
        c = (lo + hi) / 2
        quad = ((quad - c) * k + c).astype(np.float32)
        lo, hi = (lo - c) * k + c, (hi - c) * k + c
        quad = (quad + np.maximum(0, m - lo) - np.maximum(0, hi - np.array([w - m, h - m]))).astype(
            np.float32
        )
    M = cv2.getPerspectiveTransform(np.float32([[0, 0], [sw, 0], [sw, sh], [0, sh]]), quad) @ T
    page = cv2.warpPerspective(canvas, M, (w, h), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(smask, M, (w, h), flags=cv2.INTER_LINEAR)[..., None]
    return quad, page, mask


def _nothing(rng: random.Random, w: int, h: int) -> tuple[Image.Image, dict]:
    """A photo with no document in it (bad class not_document)."""
    img, what = wear.blank(rng, w, h)
    if what in ("table", "blank_sheet"):
        img = _clutter(img, rng)
    img = cv2.GaussianBlur(img * rng.uniform(0.8, 1.05), (0, 0), 0.6)
    nrng = np.random.default_rng(rng.randrange(1 << 30))
    img = img + nrng.standard_normal((h, w, 1), dtype=np.float32) * 2.5
    out = np.clip(img, 0, 255).astype(np.uint8)
    info = {"cls": "not_document", "problem": "not_document", "rotation": 0, "quad": None}
    return Image.fromarray(out), {
        **info,
        "setting": what,
        "stock": "none",
        "frame": "none",
        "light": "normal",
    }


def photograph(
    flat: Image.Image,
    rng: random.Random,
    cls: str = "good",
    size: tuple[int, int] = (1200, 1600),
    curled: tuple[float, str] | None = None,
    sheet: tuple[float, str, int] | None = None,
) -> tuple[Image.Image, dict]:
    """A phone photo of one flat page. size is (w, h) of the upright frame before any turn.

    Returns the image and {"cls", "problem", "rotation" (degrees the photo is turned), "quad",
    "setting", "stock", "frame"}. Good photos include pages filling the frame or touching one edge
    of it by a hair (the margin, not the print), held in a hand, on a lap, on white and dark
    tables, tilted up to 25° away from the lens, in warm or cool light, with a flash hot-spot or
    a hard shadow, on grey paper or as a faded photocopy, with a red seal.

    curled: (amount, "bow"|"edge") bends the page that much (a strongly curled set, issue 19);
    the photo is otherwise the one the seed gives without it (the same draws are made).
    sheet: (amount, "lift"|"middle"|"sides", seed) bends the whole sheet, its outline too, with
    the shading of a bend (sheet.bend_sheet, from its own random stream `seed`; curlq22), kept in
    the frame; likewise the seed's own photo otherwise.
    """
    w, h = size
    pw, ph = flat.size
    if cls == "not_document":
        return _nothing(rng, w, h)
    held = "along"
    if (pw > ph) != (w > h):
        # most turn the phone the way the page lies; some keep it upright, a landscape page then
        # lies across the frame (its width the frame's short side), filling it or not
        if pw <= ph or rng.random() < 0.55:
            w, h = h, w
        else:
            held = "across"
    setting = rng.choices(
        ["table", "white_table", "dark_table", "lap", "hand"], (0.45, 0.15, 0.15, 0.13, 0.12)
    )[0]
    if setting == "table":
        img = _clutter(background(rng, w, h), rng)
    elif setting == "lap":
        img = wear.lap(rng, w, h)
    elif setting == "hand":
        img = wear.room(rng, w, h)
    else:
        img = wear.plain_table(rng, w, h, setting == "white_table")
    back = None
    if cls == BACK_SIDE:  # the sheet turned over: its blank back, the print showing through or not
        flat, back = wear.back_of(flat, rng)
    like_good = cls in ("good", BACK_SIDE)  # framed, lit and held as a good photo
    flat, stock = wear.paper_stock(flat, rng)
    if back is None and rng.random() < 0.35:
        flat = wear.seal(flat, rng)
    aspect = pw / ph
    frame = "normal"
    if like_good and rng.random() < EDGE_SHARE:
        frame = rng.choice(["fills", "touches"])
    fill = {"too_small": rng.uniform(0.2, 0.36), "cut_off": rng.uniform(0.95, 1.25)}.get(
        cls, rng.uniform(0.6, 0.88)
    )
    if frame != "normal":
        fill = rng.uniform(0.93, 1.0)
    ch = h * fill if aspect < w / h else w * fill / aspect
    cw = ch * aspect
    deg = rng.uniform(0, 8) if rng.random() < 0.5 else rng.uniform(8, 25)
    quad = wear.tilted(cw, ch, deg, rng)
    ang = np.deg2rad(rng.uniform(-8, 8) if rng.random() < 0.8 else rng.uniform(-15, 15))
    R = np.array([[np.cos(ang), -np.sin(ang)], [np.sin(ang), np.cos(ang)]])
    quad = quad @ R.T
    quad += np.array([[rng.uniform(-0.01, 0.01) * cw, rng.uniform(-0.01, 0.01) * ch] for _ in range(4)])
    span = quad.max(0) - quad.min(0)
    kfit = min(
        w * (fill if frame == "normal" else 1.0) / span[0],
        h * fill / span[1],
        1.0 if frame == "normal" else 9,
    )
    if cls in ("cut_off", "too_small"):
        kfit = 1.0
    quad = quad * kfit
    cw, ch = cw * kfit, ch * kfit
    span = quad.max(0) - quad.min(0)
    cx = w / 2 + rng.uniform(-1, 1) * max(0.0, (w - span[0]) / 2) * 0.8
    cy = h / 2 + rng.uniform(-1, 1) * max(0.0, (h - span[1]) / 2) * 0.8
    quad = quad + [cx, cy]
    if cls == "cut_off":  # one side out of the frame, or a corner, or a close-up cut all round
        how = rng.choices(["side", "corner", "close"], (0.5, 0.3, 0.2))[0]
        if how == "side":
            side = rng.randrange(4)
            off = rng.uniform(0.12, 0.3)
            quad += np.array([[-1, 1, 0, 0][side] * cw * off, [0, 0, -1, 1][side] * ch * off])
        elif how == "corner":
            quad += np.array(
                [
                    rng.choice([-1, 1]) * cw * rng.uniform(0.1, 0.25),
                    rng.choice([-1, 1]) * ch * rng.uniform(0.1, 0.25),
                ]
            )
        else:
            c0 = quad.mean(0)
            quad = (quad - c0) * rng.uniform(1.15, 1.4) + c0
    elif frame != "touches":  # keep the whole page in the frame, with a small margin
        m = (0.015 if frame == "normal" else 0.002) * min(w, h)
        lo, hi = quad.min(0), quad.max(0)
        span = hi - lo
        k = min(1.0, (w - 2 * m) / span[0], (h - 2 * m) / span[1])
        quad = (quad - quad.mean(0)) * k + quad.mean(0)
        lo, hi = quad.min(0), quad.max(0)
        quad += np.maximum(0, m - lo) - np.maximum(0, hi - np.array([w - m, h - m]))
        cw, ch = cw * k, ch * k
    else:  # one side over the frame's edge by a hair: the margin is cut, the print is not
        lo, hi = quad.min(0), quad.max(0)
        k = min(1.0, (w * 0.995) / (hi - lo)[0], (h * 0.995) / (hi - lo)[1])
        quad = (quad - quad.mean(0)) * k + [w / 2, h / 2]
        cw, ch = cw * k, ch * k
        side = rng.randrange(4)
        lo, hi = quad.min(0), quad.max(0)
        hair = rng.uniform(0.003, 0.012) * [cw, cw, ch, ch][side]
        shift = [-(lo[0] + hair), (w - hi[0]) + hair, -(lo[1] + hair), (h - hi[1]) + hair][side]
        quad[:, side // 2] += shift
    quad = quad.astype(np.float32)
    cx, cy = quad.mean(0)
    src = np.asarray(flat.resize((max(8, int(cw)), max(8, int(ch))), Image.LANCZOS), np.float32)
    if cls != "cut_off" and rng.random() < (0.7 if setting in ("hand", "lap") else 0.4):
        amount = rng.uniform(0.006, 0.02)
        shape = "bow" if rng.random() < 0.5 else "edge"  # curl()'s draws, in its order
        if curled is None and sheet is None:
            src = bend(src, amount, shape)
    if curled is not None:
        src = bend(src, *curled)
    sh, sw = src.shape[:2]
    M = cv2.getPerspectiveTransform(np.float32([[0, 0], [sw, 0], [sw, sh], [0, sh]]), quad)
    if sheet is not None:
        quad, page, mask = _bent_sheet(src, quad, sheet, (w, h), frame)
        cx, cy = quad.mean(0)
    else:
        page = cv2.warpPerspective(src, M, (w, h), flags=cv2.INTER_LINEAR)
        mask = cv2.warpPerspective(np.ones((sh, sw), np.float32), M, (w, h), flags=cv2.INTER_LINEAR)[
            ..., None
        ]
    drop = cv2.GaussianBlur(mask[..., 0], (0, 0), max(2.0, w / 250))[..., None]
    off = int(max(2, w / 200))
    drop = np.pad(drop, ((off, 0), (off, 0), (0, 0)))[:h, :w]
    img = img * (1 - 0.35 * drop)
    img = img * (1 - mask) + page * mask
    covered = False
    if setting == "hand":
        img = wear.fingers(img, quad, rng)
    if like_good and frame == "normal" and rng.random() < (0.35 if setting == "hand" else 0.12):
        img = wear.corner_cover(img, quad, rng, setting == "hand" or rng.random() < 0.4)
        covered = True
    # light: a gradient, and often the shadow of the phone or the hand over part of the page
    gx = np.linspace(rng.uniform(0.8, 1.0), rng.uniform(0.85, 1.0), w, dtype=np.float32)
    gy = np.linspace(rng.uniform(0.8, 1.0), rng.uniform(0.85, 1.0), h, dtype=np.float32)
    light = gy[:, None] * gx[None, :]
    if rng.random() < 0.6:
        sm = Image.new("L", (w, h), 0)
        a = rng.uniform(0, 2 * np.pi)
        c = np.array([cx, cy]) + np.array([np.cos(a), np.sin(a)]) * rng.uniform(0.3, 0.6) * max(cw, ch)
        r = rng.uniform(0.25, 0.5) * max(cw, ch)
        pts = [
            (c[0] + r * np.cos(t) * rng.uniform(0.7, 1.3), c[1] + r * np.sin(t))
            for t in np.linspace(0, 2 * np.pi, 9)
        ]
        ImageDraw.Draw(sm).polygon(pts, fill=255)
        s = cv2.GaussianBlur(np.asarray(sm, np.float32) / 255, (0, 0), w * rng.uniform(0.02, 0.06))
        light = light * (1 - rng.uniform(0.25, 0.5) * s)
    gain = rng.uniform(0.12, 0.24) if cls == "too_dark" else rng.uniform(0.85, 1.05)
    img = img * (light * gain)[..., None]
    img = wear.white_balance(img, rng)
    if cls == "too_bright":
        img = wear.overexpose(img, rng)
    light = "normal"
    if like_good and rng.random() < 0.18:  # bright but readable (issue 19, fifth pass)
        img, light = wear.bright(img, rng), "bright"
    elif like_good and rng.random() < 0.18:  # not both: a page that bright has no spot left
        img, light = wear.light_spot(img, quad, rng), "light_spot"
    if like_good and rng.random() < FLASH_SHARE and light == "normal":  # the flash lights the page alone
        img, light = wear.flash(img, quad, rng), "flash"
    if like_good and rng.random() < 0.2:
        img = wear.hard_shadow(img, quad, rng)
    if cls == "glare" and rng.random() < 0.5:  # the flash on glossy paper or a sleeve, over the print
        at = quad.mean(0) + (quad[rng.randrange(4)] - quad.mean(0)) * rng.uniform(0.0, 0.4)
        diffuse, spec, _ = wear.flash_light(quad, h, w, rng, glossy=True, at=at)
        img = img * (diffuse / max(1e-3, float(np.percentile(diffuse, 95))))[..., None] + spec[..., None]
    elif cls == "glare":  # a lamp on glossy paper, over the print
        q = quad.mean(0) + (quad[rng.randrange(4)] - quad.mean(0)) * rng.uniform(0.0, 0.4)
        sx, sy = cw * rng.uniform(0.12, 0.2), ch * rng.uniform(0.07, 0.12)
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        blob = np.exp(-(((xx - q[0]) / sx) ** 2 + ((yy - q[1]) / sy) ** 2) / 2)
        img = img + (blob * rng.uniform(400, 700))[..., None]
    k = w / 1200
    if cls == "blurry":
        # focus or shake, from just past readable to a smear (issue 19, seventh pass: wider)
        if rng.random() < 0.55:
            img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.0035, 0.01) * cw)
        else:
            L = max(3, int(rng.uniform(0.01, 0.03) * cw))
            kern = np.zeros((L, L), np.float32)
            kern[L // 2, :] = 1.0 / L
            kern = cv2.warpAffine(
                kern, cv2.getRotationMatrix2D((L / 2 - 0.5, L / 2 - 0.5), rng.uniform(0, 180), 1), (L, L)
            )
            img = cv2.filter2D(img, -1, kern / kern.sum())
    else:
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.3, 0.8) * k)
    nrng = np.random.default_rng(rng.randrange(1 << 30))
    img = img + nrng.standard_normal((h, w, 1), dtype=np.float32) * rng.uniform(1.5, 4.0)
    out = np.clip(img, 0, 255).astype(np.uint8)
    rot = rng.choice([0, 0, 0, 0, 90, 180, 270]) if like_good else rng.choice([0, 0, 0, 90, 180])
    if rot:
        out = np.ascontiguousarray(np.rot90(out, rot // 90))
    info = {"cls": cls, "problem": BAD.get(cls), "rotation": rot, "quad": quad.tolist(), "held": held}
    if back is not None:
        info |= {"problem": "not_document", "side": "back", **back}
    if curled is not None:
        info["curl"], info["curl_shape"] = curled
    if sheet is not None:
        info["curl"], info["curl_shape"] = sheet[0], sheet[1]
    info["orient"] = "landscape" if pw > ph else "portrait"
    frame = "corner_covered" if covered else frame
    return Image.fromarray(out), {**info, "setting": setting, "stock": stock, "frame": frame, "light": light}
