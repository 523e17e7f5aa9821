"""Two optional extra kinds of photo, each drawn from its own random stream so that the
files of the original set (good/bad/pdf) do not change:

* back_NNN.jpg  - the BACK of a printed A4 sheet (show-through of the mirrored front).
* curl_NNN.jpg  - a good photo of one page with a smooth 3-D curl (lifted edge / bow).

Both functions are split into a cheap `plan_*` (every random choice that the label depends on)
and a `shoot_*` (the rendering), so that `--only` can label a file without drawing it.
"""

import hashlib

import cv2
import numpy as np

from . import photo

A4 = (210, 297)
FRAME_L = [800, 1024, 1280, 1600, 1600, 2048, 2048, 2592, 3000, 3264, 4000]  # as in photo.py


def sub_seed(seed, name):
    """A stable integer seed for the stream `name` (not Python's salted hash)."""
    return int.from_bytes(hashlib.sha256(("%s-%s" % (seed, name)).encode()).digest()[:8], "little")


def _frame(r, page_mm, fill_lo, fill_hi, need=None):
    pw, ph = page_mm
    L = int(r.choice(FRAME_L))
    aspect = r.choice([4 / 3, 4 / 3, 4 / 3, 16 / 9, 1.0])
    portrait_page = ph >= pw
    frame_portrait = portrait_page if r.random() < 0.85 else not portrait_page
    Wf, Hf = (int(L / aspect), L) if frame_portrait else (L, int(L / aspect))
    if Wf * Hf > 12.2e6:
        k = (12.0e6 / (Wf * Hf)) ** 0.5
        Wf, Hf = int(Wf * k), int(Hf * k)
    fill = r.uniform(fill_lo, fill_hi)
    ppmm = fill * min(Wf / pw, Hf / ph)
    if need is not None and ppmm < need:
        k = need / ppmm
        Wf, Hf = int(Wf * k), int(Hf * k)
        ppmm = need
        if Wf * Hf > 12.2e6:  # keep under 12 MP
            k = (12.0e6 / (Wf * Hf)) ** 0.5
            Wf, Hf = int(Wf * k), int(Hf * k)
            ppmm *= k
    return Wf, Hf, ppmm


def _page_corners(r, Wf, Hf, sw, sh, keep_inside=True, ang_sd=4.0):
    ang = r.normal(0, ang_sd) if r.random() < 0.8 else r.normal(0, 12)
    ang = float(np.clip(ang, -25, 25))
    cx = Wf / 2 + r.normal(0, 0.03) * Wf
    cy = Hf / 2 + r.normal(0, 0.03) * Hf
    a = np.deg2rad(ang)
    R = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    c = np.array([[-sw / 2, -sh / 2], [sw / 2, -sh / 2], [sw / 2, sh / 2], [-sw / 2, sh / 2]]) @ R.T + [
        cx,
        cy,
    ]
    c += r.normal(0, r.uniform(0.0, 0.08) * min(sw, sh) / 2, (4, 2))
    if r.random() < 0.6:  # keystone
        e = int(r.integers(4))
        k = r.uniform(0.02, 0.09) * (sw if e % 2 == 0 else sh)
        i, j = e, (e + 1) % 4
        mid = (c[i] + c[j]) / 2
        n = np.linalg.norm(c[j] - c[i])
        c[i] += (mid - c[i]) * k / n * 2
        c[j] += (mid - c[j]) * k / n * 2
    if keep_inside:
        c = _fit(c, Wf, Hf)
    return c


def _fit(c, Wf, Hf, margin=0.02, span=0.96):
    mn, mx = c.min(0), c.max(0)
    m = margin * np.array([Wf, Hf])
    c = c + np.maximum(0, m - mn) - np.maximum(0, mx - (np.array([Wf, Hf]) - m))
    mn, mx = c.min(0), c.max(0)
    if (mx - mn > np.array([Wf, Hf]) * span).any():
        s = float(np.min(np.array([Wf, Hf]) * (span - 0.02) / (mx - mn)))
        ctr = (mn + mx) / 2
        c = (c - ctr) * s + np.array([Wf, Hf]) / 2
    return c


def _finish(r, img, Wf, Hf, shadow_p=0.4, expo=(0.88, 1.12), noise=(1.5, 4.5), light_amp=(0.05, 0.25)):
    """Room light, white balance, exposure, lens, sharpening, vignette, noise (as photo.py)."""
    yy, xx = np.mgrid[0:Hf:8, 0:Wf:8].astype(np.float32)
    gx, gy = r.normal(0, 1, 2)
    grad = 1 + r.uniform(*light_amp) * (gx * (xx / Wf - 0.5) + gy * (yy / Hf - 0.5))
    rad = 1 - r.uniform(0.05, 0.3) * (((xx / Wf - 0.5) ** 2 + (yy / Hf - 0.5) ** 2) * 2)
    light = cv2.resize((grad * rad).astype(np.float32), (Wf, Hf))
    if r.random() < shadow_p:
        light *= photo.cast_shadow(r, Hf, Wf, r.uniform(0.55, 0.8))
    img = img * light[..., None]
    wb = r.choice(
        [(1.0, 1.0, 1.0), (1.08, 1.0, 0.85), (1.12, 1.0, 0.78), (0.92, 1.0, 1.1), (1.03, 1.0, 0.95)]
    )
    img = img * np.array(wb, np.float32)[None, None] * r.uniform(*expo)
    img = np.clip(img, 0, 255)
    img = cv2.GaussianBlur(img, (0, 0), float(r.uniform(0.3, 0.9)) * max(1, min(Wf, Hf) / 1500))
    if r.random() < 0.5:
        bl = cv2.GaussianBlur(img, (0, 0), 2)
        img = np.clip(img + 0.4 * (img - bl), 0, 255)
    vig = 1 - r.uniform(0, 0.25) * (((xx / Wf - 0.5) ** 2 + (yy / Hf - 0.5) ** 2) * 2)
    img = img * cv2.resize(vig.astype(np.float32), (Wf, Hf))[..., None]
    sigma = r.uniform(*noise)
    img = img + r.normal(0, sigma, img.shape[:2] + (1,)).astype(np.float32)
    img = img + r.normal(0, sigma * 0.5, img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8)


# =====================================================================================
# 1. Backs of printed sheets
# =====================================================================================
# Show-through in grey levels (0-255): darkening of the darkest show-through on the back (after
# the fibre blur), first for ordinary reflected light on a white backing, then scaled by setting.  Office paper 70-80 g/m2 has an opacity of
# about 90-94 %, i.e. ~6-10 % of the contrast of the front comes through, blurred.
SETTINGS = ["table_light", "table_dark", "hand", "bed", "window", "lamp"]
SETTING_P = [0.24, 0.14, 0.2, 0.14, 0.16, 0.12]
STRENGTH_EDGES = [(2.0, "none"), (7.0, "faint"), (14.0, "medium"), (1e9, "strong")]


def strength_name(levels):
    for lim, name in STRENGTH_EDGES:
        if levels < lim:
            return name
    return "strong"


def plan_back(r):
    """Every choice the label depends on.  Returns a dict."""
    setting = str(r.choice(SETTINGS, p=SETTING_P))
    gsm = float(r.choice([70, 70, 80, 80, 80, 100, 120]))
    # opacity of the sheet (%): 70 g ~ 90-92, 80 g ~ 92-94, 100-120 g ~ 96-98
    opac = {70.0: r.uniform(89.5, 92.0), 80.0: r.uniform(91.5, 94.5)}.get(gsm, r.uniform(96.0, 98.5))
    # reflected light, white backing: contrast ~ (100-opac)% of a 230-level print
    base = (100 - opac) / 100 * 230 * r.uniform(0.35, 0.6)
    factor = {
        "table_light": r.uniform(0.7, 1.0),
        "table_dark": r.uniform(0.05, 0.25),  # light through the sheet is absorbed by the table
        "hand": r.uniform(0.8, 1.3),
        "bed": r.uniform(0.6, 1.0),
        "window": r.uniform(1.8, 2.8),  # transmitted light: the print is seen against the light
        "lamp": r.uniform(1.5, 2.5),
    }[setting]
    dim = r.random() < 0.15 and setting not in ("window", "lamp")
    if dim:
        factor *= r.uniform(0.3, 0.6)
    levels = base * factor
    if r.random() < 0.1 and setting not in ("window", "lamp"):  # heavy paper / dim light: nothing
        levels = 0.0
    levels = float(min(levels, 26.0))
    return {
        "setting": setting,
        "gsm": gsm,
        "opacity": float(opac),
        "dim": bool(dim),
        "levels": levels,
        "strength": strength_name(levels),
        "mirror": "lr" if r.random() < 0.7 else "tb",
    }


def _window_bg(r, H, W):
    """A bright window behind the sheet: burnt-out sky, a frame and glazing bars, a wall."""
    h, w = max(60, H // 4), max(60, W // 4)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    sky = np.array(r.choice([(250, 252, 255), (235, 242, 252), (245, 245, 240), (225, 235, 250)]), np.float32)
    img = sky[None, None] * (1 + 0.04 * (yy / h - 0.5))[..., None] * np.ones((h, w, 1), np.float32)
    img = img * (1.0 + photo._lowfreq(r, h, w, 6, 0.05)[..., None]) + r.uniform(0, 40)
    frame = np.array(r.choice([(245, 245, 240), (120, 85, 55), (70, 70, 75), (200, 200, 195)]), np.float32)
    m = np.zeros((h, w), np.float32)
    bw = max(2, int(min(h, w) * r.uniform(0.02, 0.05)))
    for _ in range(int(r.integers(1, 3))):
        x = int(r.uniform(0.15, 0.85) * w)
        m[:, max(0, x - bw // 2) : x + bw // 2 + 1] = 1
    if r.random() < 0.6:
        y = int(r.uniform(0.2, 0.8) * h)
        m[max(0, y - bw // 2) : y + bw // 2 + 1, :] = 1
    # window opening edge and wall on one or two sides
    wall = np.array(r.choice([(200, 195, 185), (160, 150, 140), (225, 220, 205)]), np.float32) * 0.55
    side = int(r.integers(4))
    k = int(r.uniform(0.05, 0.2) * (w if side % 2 == 0 else h))
    wm = np.zeros((h, w), np.float32)
    if side == 0:
        wm[:, :k] = 1
    elif side == 1:
        wm[:, w - k :] = 1
    elif side == 2:
        wm[:k, :] = 1
    else:
        wm[h - k :, :] = 1
    img = img * (1 - m[..., None]) + frame * m[..., None]
    img = img * (1 - wm[..., None]) + wall * wm[..., None]
    img = cv2.GaussianBlur(img, (0, 0), 1.5)
    return cv2.resize(np.clip(img, 0, 255), (W, H), interpolation=cv2.INTER_LINEAR)


def _lamp_bg(r, H, W, lx, ly):
    """A dim room with a bright lamp (behind the sheet) at (lx, ly)."""
    h, w = max(60, H // 4), max(60, W // 4)
    base = np.array(r.choice([(60, 50, 40), (40, 40, 45), (85, 70, 55), (30, 28, 26)]), np.float32)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    d = np.sqrt((xx - lx * w) ** 2 + (yy - ly * h) ** 2) / max(h, w)
    glow = np.exp(-((d / r.uniform(0.25, 0.45)) ** 2))
    img = base[None, None] * (1 + photo._lowfreq(r, h, w, 8, 0.15)[..., None])
    img = img + glow[..., None] * np.array([200, 170, 120], np.float32)
    return cv2.resize(np.clip(img, 0, 255).astype(np.float32), (W, H), interpolation=cv2.INTER_LINEAR)


def _bed_bg(r, H, W):
    """A bed sheet or blanket: soft colour, wrinkles, sometimes a print pattern."""
    h, w = max(60, H // 4), max(60, W // 4)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = np.array(
        r.choice(
            [
                (240, 240, 235),
                (215, 225, 240),
                (240, 215, 215),
                (200, 220, 200),
                (120, 130, 160),
                (230, 220, 190),
            ]
        ),
        np.float32,
    )
    img = np.ones((h, w, 3), np.float32) * base
    if r.random() < 0.4:  # small print: dots or stripes
        p = r.uniform(10, 25)
        col = np.array(r.choice([(180, 120, 140), (110, 140, 190), (150, 170, 110)]), np.float32)
        if r.random() < 0.5:
            m = ((np.sin(xx / p * 2 * np.pi) * np.sin(yy / p * 2 * np.pi)) > 0.7).astype(np.float32)
        else:
            m = ((np.sin((xx + yy) / p * 2 * np.pi)) > 0.6).astype(np.float32)
        img = img * (1 - 0.6 * m[..., None]) + col * 0.6 * m[..., None]
    # wrinkles: shading from a few long soft folds
    sh = np.zeros((h, w), np.float32)
    for _ in range(int(r.integers(3, 8))):
        a = r.uniform(0, np.pi)
        u = xx * np.cos(a) + yy * np.sin(a)
        c = r.uniform(u.min(), u.max())
        wd = r.uniform(3, 12)
        sh += r.uniform(0.08, 0.2) * np.tanh((u - c) / wd) * np.exp(-(((u - c) / (3 * wd)) ** 2))
    sh += photo._lowfreq(r, h, w, 6, 0.08)
    img = img * (1 + sh[..., None])
    return cv2.resize(np.clip(img, 0, 255), (W, H), interpolation=cv2.INTER_LINEAR)


def _back_page(r, front, ppmm_page, levels, mirror, backlit):
    """front: rendered front page (uint8 RGB).  Returns the back surface (float RGB, ~white)."""
    d = 1.0 - front.astype(np.float32) / 255.0  # ink density per channel
    d = d * 0.4 + d.mean(2, keepdims=True) * 0.6  # colours seen through paper are washed out
    d = d[:, ::-1] if mirror == "lr" else d[::-1, :]
    # scatter in the fibre web blurs the print: ~0.2-0.6 mm (more when seen against the light)
    sig = ppmm_page * (r.uniform(0.35, 0.8) if backlit else r.uniform(0.2, 0.5))
    d = cv2.GaussianBlur(np.ascontiguousarray(d), (0, 0), max(0.6, sig))
    h, w = d.shape[:2]
    # uneven show-through: the sheet is not uniformly lit / pressed on its backing
    vary = 1 + photo._lowfreq(r, h, w, 10, 0.25)[..., None]
    paper = photo.paper_texture(r, np.full((h, w, 3), 255, np.uint8))
    if backlit:  # formation (flocs) of the fibres shows as a cloudy texture against the light
        floc = photo._lowfreq(r, h, w, 3, r.uniform(0.02, 0.05)) + photo._lowfreq(r, h, w, 12, 0.03)
        paper = paper * (1 + floc[..., None])
    # `levels` is the darkening of the darkest show-through (body text, bold titles, seal) after
    # the blur, so that the label describes what can be seen: scale the 99.9th percentile to it
    peak = float(np.percentile(d[::3, ::3].max(2), 99.9))
    back = paper - levels * d / max(peak, 0.05) * vary
    return np.clip(back, 0, 255).astype(np.float32)


def _finger_silhouettes(r, H, W, corners, ppmm, edge):
    """Fingers behind a backlit sheet: soft dark shapes near the held edge (returns a mask)."""
    m = np.zeros((H, W), np.float32)
    i, j = edge, (edge + 1) % 4
    d = corners[j] - corners[i]
    L = np.linalg.norm(d)
    d = d / L
    nrm = np.array([d[1], -d[0]])
    t0 = r.uniform(0.25, 0.55)
    for k in range(int(r.integers(2, 5))):
        t = t0 + k * 19 * ppmm / L
        p = corners[i] * (1 - t) + corners[j] * t
        ln = r.uniform(35, 60) * ppmm
        c = p - nrm * ln * 0.4
        ang = np.degrees(np.arctan2(nrm[1], nrm[0])) + r.normal(0, 6)
        cv2.ellipse(m, (int(c[0]), int(c[1])), (int(ln / 2), int(8 * ppmm)), ang, 0, 360, 1, -1, cv2.LINE_AA)
    return cv2.GaussianBlur(m, (0, 0), max(2.0, 4 * ppmm))


def shoot_back(r, doc, P):
    """A phone photo of the back of `doc`'s page 1; P from plan_back."""
    from . import layout

    setting = P["setting"]
    backlit = setting in ("window", "lamp")
    held = setting in ("hand", "window", "lamp")
    size = (doc.W, doc.H)
    Wf, Hf, ppmm = _frame(r, size, 0.55, 0.92)
    dpi = float(np.clip(ppmm * 25.4 * 1.15, 60, 300))
    front = np.asarray(layout.render_pil(doc.pages[0], size, dpi).convert("RGB"))
    ppmm_page = dpi / 25.4
    page = _back_page(r, front, ppmm_page, P["levels"], P["mirror"], backlit)
    strength = r.uniform(0.5, 2.0) if held else (r.uniform(0.3, 1.5) if setting == "bed" else r.uniform(0, 1))
    folds = int(r.choice([0, 0, 0, 1, 2]))
    page, shade = photo.curl_and_fold(r, page, strength, folds)
    h0, w0 = page.shape[:2]
    sw, sh = size[0] * ppmm, size[1] * ppmm
    corners = _page_corners(r, Wf, Hf, sw, sh, keep_inside=r.random() < 0.85)
    M = cv2.getPerspectiveTransform(np.float32([[0, 0], [w0, 0], [w0, h0], [0, h0]]), np.float32(corners))
    # --- background -----------------------------------------------------------------
    lamp_xy = (r.uniform(0.3, 0.7), r.uniform(0.3, 0.7))
    if setting == "window":
        bg = _window_bg(r, Hf, Wf)
    elif setting == "lamp":
        bg = _lamp_bg(r, Hf, Wf, *lamp_xy)
    elif setting == "bed":
        bg = _bed_bg(r, Hf, Wf)
    elif setting == "table_dark":
        bg = photo.background(r, Hf, Wf, kind=str(r.choice(["plain", "wood", "granite"]))).astype(np.float32)
        bg *= r.uniform(0.25, 0.55)  # a dark table
    elif setting == "table_light":
        bg = photo.background(r, Hf, Wf, kind=str(r.choice(["wood", "plain", "tiles", "granite", "cloth"])))
        bg = bg.astype(np.float32)
        mean = float(bg.mean())
        if mean < 170:  # a light surface (the show-through factor assumed a light backing)
            bg = 255 - (255 - bg) * ((255 - 170) / (255 - mean))
    else:  # held in hand in a room: anything behind
        bg = photo.background(r, Hf, Wf).astype(np.float32)
    if setting in ("table_light", "table_dark", "bed") and r.random() < 0.4:
        bg = photo.add_objects(r, bg.astype(np.uint8), int(r.integers(1, 3))).astype(np.float32)
    warped = cv2.warpPerspective(
        page.astype(np.float32), M, (Wf, Hf), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    mask = cv2.warpPerspective(np.ones((h0, w0), np.float32), M, (Wf, Hf), flags=cv2.INTER_LINEAR)
    shw = cv2.warpPerspective(shade, M, (Wf, Hf), flags=cv2.INTER_LINEAR, borderValue=1)
    # --- light on the sheet -----------------------------------------------------------
    if setting == "window":
        lum = r.uniform(0.9, 1.05)
        glow = np.ones((Hf, Wf), np.float32) * lum
    elif setting == "lamp":
        yy, xx = np.mgrid[0:Hf:8, 0:Wf:8].astype(np.float32)
        dd = np.sqrt((xx / Wf - lamp_xy[0]) ** 2 + (yy / Hf - lamp_xy[1]) ** 2)
        g = 0.72 + 0.38 * np.exp(-((dd / r.uniform(0.25, 0.45)) ** 2))
        glow = cv2.resize(g.astype(np.float32), (Wf, Hf)) * np.float32(1.0)
        warped = warped * np.array([1.0, 0.93, 0.8], np.float32)  # warm lamp light through paper
    else:
        glow = None
        sm = cv2.GaussianBlur(mask, (0, 0), max(2, min(Wf, Hf) * 0.01))
        off = (np.array([r.uniform(-1, 1), r.uniform(0.2, 1)]) * min(Wf, Hf) * 0.008).astype(int)
        sm = np.roll(np.roll(sm, off[1], 0), off[0], 1)
        bg *= (1 - 0.45 * sm)[..., None]
    if glow is not None:
        warped = warped * glow[..., None]
    img = bg * (1 - mask[..., None]) + warped * shw[..., None] * mask[..., None]
    if held:
        if backlit and r.random() < 0.7:  # the fingers behind the sheet show through it
            fm = _finger_silhouettes(r, Hf, Wf, corners, ppmm, int(r.choice([3, 1, 2])))
            img = img * (1 - r.uniform(0.25, 0.45) * (fm * mask)[..., None])
        img = photo.add_hand(r, img, corners, ppmm)
    expo = (0.35, 0.6) if P["dim"] else ((0.95, 1.08) if backlit else (0.85, 1.12))
    noise = (4.0, 8.0) if P["dim"] else (1.5, 4.5)
    img = _finish(r, img, Wf, Hf, shadow_p=0.0 if backlit else 0.4, expo=expo, noise=noise)
    return img


# =====================================================================================
# 2. Curled pages
# =====================================================================================
def _profile(kind, x, half, x0, p):
    """Height shape (0..1) across the page; x in mm from the centre, half = half width."""
    if kind == "edge":  # one edge lifted (page lying on a table, pulled out of a binder)
        s = np.clip((x - x0) / (half - x0), 0, None)
        return s**p
    if kind == "bow":  # middle raised, both edges down (arched page)
        return np.cos(np.clip(x / half, -1.6, 1.6) * np.pi / 2)
    # "trough": both side edges up (page held in one hand / rolled)
    return (x / half) ** 2


def plan_curl(r, page_mm):
    pw, ph = page_mm
    landscape = pw > ph
    kind = str(r.choice(["edge", "edge", "edge", "bow", "trough"]))
    side = 1 if r.random() < 0.5 else -1  # which edge is lifted (for "edge")
    x0 = r.uniform(-0.3, 0.3) * pw / 2
    p = r.uniform(1.6, 2.6)
    twist = r.uniform(-0.35, 0.35)
    target = r.uniform(0.008, 0.04)  # sag of the lines, fraction of page height
    return {
        "kind": kind,
        "side": side,
        "x0": float(x0),
        "p": float(p),
        "twist": float(twist),
        "target": float(target),
        "landscape": bool(landscape),
    }


class _CurlCam:
    """Page (u,v in mm, origin at the top-left) -> 3-D surface -> pinhole image (px)."""

    def __init__(self, page_mm, P, h, D, f, rot, centre):
        self.pw, self.ph = page_mm
        self.P, self.h, self.D, self.f, self.rot, self.c = P, h, D, f, rot, np.asarray(centre, np.float64)
        half = self.pw / 2
        s = np.linspace(-1.5 * half, 1.5 * half, 3001)
        z = h * _profile(P["kind"], P["side"] * s, half, P["x0"], P["p"])
        dz = np.gradient(z, s)
        th = np.arctan(dz)
        ds = s[1] - s[0]
        # inextensible: walk along the arc with the slope of the profile
        X = np.concatenate([[0], np.cumsum(np.cos(th[1:]) * ds)])
        Z = np.concatenate([[0], np.cumsum(np.sin(th[1:]) * ds)])
        i0 = len(s) // 2
        self.s, self.X, self.Z, self.th = s, X - X[i0], Z - Z[i0] + z[i0], th

    def world(self, u, v):
        x = u - self.pw / 2
        y = v - self.ph / 2
        X = np.interp(x, self.s, self.X)
        Z = np.interp(x, self.s, self.Z) * (1 + self.P["twist"] * y / (self.ph / 2))
        return X, y, Z

    def project(self, u, v):
        X, Y, Z = self.world(u, v)
        R = self.rot
        xc = R[0, 0] * X + R[0, 1] * Y + R[0, 2] * Z
        yc = R[1, 0] * X + R[1, 1] * Y + R[1, 2] * Z
        zc = R[2, 0] * X + R[2, 1] * Y + R[2, 2] * Z
        d = self.D - zc
        return self.f * xc / d + self.c[0], self.f * yc / d + self.c[1]

    def slope(self, u):
        return np.interp(u - self.pw / 2, self.s, self.th)

    def sag(self, margin=15.0):
        """Largest deviation of a projected text row from its chord, / projected page height."""
        us = np.linspace(margin, self.pw - margin, 60)
        worst = 0.0
        for v in np.linspace(margin, self.ph - margin, 25):
            px, py = self.project(us, np.full_like(us, v))
            a = np.array([px[0], py[0]])
            b = np.array([px[-1], py[-1]])
            d = b - a
            n = np.array([-d[1], d[0]]) / (np.linalg.norm(d) + 1e-9)
            dev = np.abs((px - a[0]) * n[0] + (py - a[1]) * n[1])
            worst = max(worst, float(dev.max()))
        tx, ty = self.project(np.array([self.pw / 2, self.pw / 2]), np.array([0.0, self.ph]))
        return worst / float(np.hypot(tx[1] - tx[0], ty[1] - ty[0]))

    def inverse(self, X, Y, u0, v0, it=8):
        """Newton: image (X,Y) -> page (u,v)."""
        u, v = u0.copy(), v0.copy()
        e = 0.05
        for _ in range(it):
            px, py = self.project(u, v)
            ax, ay = self.project(u + e, v)
            bx, by = self.project(u, v + e)
            j11, j21 = (ax - px) / e, (ay - py) / e
            j12, j22 = (bx - px) / e, (by - py) / e
            det = j11 * j22 - j12 * j21
            det = np.where(np.abs(det) < 1e-9, 1e-9, det)
            rx, ry = X - px, Y - py
            du = (j22 * rx - j12 * ry) / det
            dv = (-j21 * rx + j11 * ry) / det
            u = u + np.clip(du, -50, 50)
            v = v + np.clip(dv, -50, 50)
        return u, v


def _rotmat(ax, ay, az):
    cx, sx, cy, sy, cz, sz = np.cos(ax), np.sin(ax), np.cos(ay), np.sin(ay), np.cos(az), np.sin(az)
    Rx = np.array([[1, 0, 0], [0, cx, -sx], [0, sx, cx]])
    Ry = np.array([[cy, 0, sy], [0, 1, 0], [-sy, 0, cy]])
    Rz = np.array([[cz, -sz, 0], [sz, cz, 0], [0, 0, 1]])
    return Rz @ Rx @ Ry


def setup_curl(r, page_mm, P):
    """Frame, camera and the lift h that gives the planned sag.  Returns (cam, Wf, Hf, ppmm, sag)."""
    pw, ph = page_mm
    Wf, Hf, ppmm = _frame(r, page_mm, 0.6, 0.82, need=4.0)
    D = r.uniform(330, 480)  # phone 33-48 cm above the page
    f = ppmm * D
    rot = _rotmat(np.deg2rad(r.normal(0, 5)), np.deg2rad(r.normal(0, 5)), np.deg2rad(r.normal(0, 3.5)))
    centre = (Wf / 2 + r.normal(0, 0.02) * Wf, Hf / 2 + r.normal(0, 0.02) * Hf)
    h = 20.0
    cam = None
    for _ in range(4):  # sag is nearly linear in the lift h
        cam = _CurlCam(page_mm, P, h, D, f, rot, centre)
        s = cam.sag()
        if s < 1e-6:
            break
        h = float(np.clip(h * P["target"] / s, 2.0, 0.28 * min(pw, ph)))
    cam = _CurlCam(page_mm, P, h, D, f, rot, centre)
    # keep the whole page inside the frame: shrink f / shift the centre if needed
    for _ in range(3):
        uu = np.concatenate([np.linspace(0, pw, 40), np.full(40, pw), np.linspace(pw, 0, 40), np.zeros(40)])
        vv = np.concatenate([np.zeros(40), np.linspace(0, ph, 40), np.full(40, ph), np.linspace(ph, 0, 40)])
        bx, by = cam.project(uu, vv)
        mn = np.array([bx.min(), by.min()])
        mx = np.array([bx.max(), by.max()])
        lim = np.array([Wf, Hf], np.float64)
        if (mn >= 0.02 * lim).all() and (mx <= 0.98 * lim).all():
            break
        k = min(1.0, float(np.min(0.94 * lim / (mx - mn))))
        cam.f *= k
        cam.c = lim / 2 - ((mn + mx) / 2 - cam.c) * k
    return cam, Wf, Hf, ppmm, cam.sag(), h


def shoot_curl(r, doc, P, setup):
    from . import layout

    cam, Wf, Hf, ppmm, sag, h = setup
    size = (doc.W, doc.H)
    pw, ph = size
    dpi = float(np.clip(ppmm * 25.4 * 1.25, 60, 330))
    page = np.asarray(layout.render_pil(doc.pages[0], size, dpi).convert("RGB"))
    page = photo.paper_texture(r, page)
    s_pg = page.shape[1] / pw  # page px per mm
    # inverse map on a coarse grid, then upsample
    step = 4
    gy, gx = np.mgrid[0:Hf:step, 0:Wf:step].astype(np.float64)
    # first guess: homography of the flat page corners
    fu = np.array([0, pw, pw, 0], np.float64)
    fv = np.array([0, 0, ph, ph], np.float64)
    cx_, cy_ = cam.project(fu, fv)
    Hm = cv2.getPerspectiveTransform(np.float32(np.stack([cx_, cy_], 1)), np.float32(np.stack([fu, fv], 1)))
    pts = cv2.perspectiveTransform(np.stack([gx, gy], -1).reshape(-1, 1, 2).astype(np.float32), Hm).reshape(
        gx.shape + (2,)
    )
    u, v = cam.inverse(gx, gy, pts[..., 0].astype(np.float64), pts[..., 1].astype(np.float64))
    mapx = cv2.resize((u * s_pg).astype(np.float32), (Wf, Hf), interpolation=cv2.INTER_LINEAR)
    mapy = cv2.resize((v * s_pg).astype(np.float32), (Wf, Hf), interpolation=cv2.INTER_LINEAR)
    # shading from the bend: Lambert with a light from above, a little off to one side
    lx, ly = r.normal(0, 0.5), r.normal(0, 0.5)
    L = np.array([lx, ly, 1.0]) / np.linalg.norm([lx, ly, 1.0])
    amb = r.uniform(0.35, 0.6)
    th = cam.slope(u)
    nx, nz = -np.sin(th), np.cos(th)
    lam = np.clip(nx * L[0] + nz * L[2], 0, 1)
    shade = (amb + (1 - amb) * lam) / (amb + (1 - amb) * L[2])
    shade = cv2.resize(shade.astype(np.float32), (Wf, Hf), interpolation=cv2.INTER_LINEAR)
    warped = cv2.remap(page.astype(np.float32), mapx, mapy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    hp, wp = page.shape[:2]
    mask = ((mapx >= 0) & (mapx <= wp - 1) & (mapy >= 0) & (mapy <= hp - 1)).astype(np.float32)
    mask = cv2.GaussianBlur(mask, (0, 0), 0.7)
    # background and the shadow of the page on it (larger under the lifted part)
    bg = photo.background(r, Hf, Wf).astype(np.float32)
    if r.random() < 0.4:
        bg = photo.add_objects(r, bg.astype(np.uint8), int(r.integers(1, 3))).astype(np.float32)
    flat = cv2.warpPerspective(
        np.ones((int(ph), int(pw)), np.float32),
        cv2.getPerspectiveTransform(
            np.float32([[0, 0], [pw, 0], [pw, ph], [0, ph]]), np.float32(np.stack([cx_, cy_], 1))
        ),
        (Wf, Hf),
    )
    sm = cv2.GaussianBlur(np.maximum(flat, mask), (0, 0), max(2, min(Wf, Hf) * 0.012))
    off = (np.array([-lx, -ly]) * min(Wf, Hf) * 0.02).astype(int)
    sm = np.roll(np.roll(sm, off[1], 0), off[0], 1)
    bg *= (1 - 0.5 * sm)[..., None]
    img = bg * (1 - mask[..., None]) + warped * shade[..., None] * mask[..., None]
    if r.random() < 0.3:  # held in one hand
        uu = np.array([0, pw, pw, 0], np.float64)
        vv = np.array([0, 0, ph, ph], np.float64)
        qx, qy = cam.project(uu, vv)
        img = photo.add_hand(r, img, np.stack([qx, qy], 1), ppmm)
    return _finish(r, img, Wf, Hf)
