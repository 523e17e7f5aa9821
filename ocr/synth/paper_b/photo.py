"""Turn a flat page image into a phone photo: surface, paper, curl/fold, perspective,
hand, shadows, light, white balance, optics, noise, JPEG.  `problem` makes one thing bad."""

import cv2
import numpy as np

SKIN = [(224, 172, 140), (198, 144, 110), (241, 194, 160), (170, 118, 85), (214, 160, 120)]


def _lowfreq(r, h, w, scale=8, amp=1.0):
    g = r.normal(0, 1, (max(2, h // scale), max(2, w // scale))).astype(np.float32)
    g = cv2.resize(g, (w, h), interpolation=cv2.INTER_CUBIC)
    g = cv2.GaussianBlur(g, (0, 0), max(1, min(h, w) / 30))
    g /= np.abs(g).max() + 1e-6
    return g * amp


def background(r, H, W, kind=None):
    """Procedural surfaces, built small then enlarged (phone photos are soft anyway)."""
    h, w = max(60, H // 4), max(60, W // 4)
    kind = kind or r.choice(
        ["wood", "wood", "cloth", "plain", "plain", "granite", "tiles", "mat", "plaid", "sofa"]
    )
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "wood":
        base = np.array(
            r.choice([(150, 100, 60), (110, 70, 40), (190, 150, 105), (90, 60, 40), (170, 120, 80)]),
            np.float32,
        )
        ang = r.uniform(0, np.pi)
        u = xx * np.cos(ang) + yy * np.sin(ang)
        v0 = -xx * np.sin(ang) + yy * np.cos(ang)
        warp = _lowfreq(r, h, w, 16, 6) + 0.8 * np.sin(v0 / r.uniform(15, 40))
        grain = np.sin((u + warp) / r.uniform(1.5, 4.0)) * 0.5 + 0.5
        grain = grain * 0.7 + 0.3 * (r.normal(0, 1, (h, w)).astype(np.float32) * 0.3 + 0.5)
        img = base[None, None] * (0.85 + 0.2 * grain[..., None] + _lowfreq(r, h, w, 10, 0.08)[..., None])
        # plank seams, parallel to the grain
        pw = r.uniform(40, 120)
        img *= (1 - 0.35 * (np.abs(((u + 1000) % pw) - pw / 2) > pw / 2 - 0.8))[..., None]
    elif kind == "cloth":
        base = np.array(
            r.choice([(40, 80, 140), (160, 40, 50), (230, 225, 210), (60, 120, 80), (200, 170, 60)]),
            np.float32,
        )
        weave = (np.sin(xx * 2.2) * np.sin(yy * 2.2)) * 0.06
        img = base[None, None] * (0.9 + weave[..., None] + _lowfreq(r, h, w, 10, 0.12)[..., None])
    elif kind == "plaid":
        c1 = np.array(r.choice([(200, 60, 60), (60, 90, 170), (70, 140, 90)]), np.float32)
        c2 = np.array([235, 230, 220], np.float32)
        p = r.uniform(12, 30)
        m = ((xx % p) < p / 2).astype(np.float32) * 0.5 + ((yy % p) < p / 2).astype(np.float32) * 0.5
        img = c2 * (1 - m[..., None]) + c1 * m[..., None]
    elif kind == "granite":
        base = np.array(
            r.choice([(120, 120, 120), (60, 55, 55), (200, 195, 185), (150, 130, 120)]), np.float32
        )
        img = base[None, None] * (
            1 + r.normal(0, 0.12, (h, w, 1)).astype(np.float32) + _lowfreq(r, h, w, 5, 0.15)[..., None]
        )
    elif kind == "tiles":
        base = np.array(
            r.choice([(215, 210, 200), (180, 170, 150), (230, 230, 230), (140, 90, 70)]), np.float32
        )
        p = r.uniform(40, 90)
        grout = ((xx % p) < 1.5) | ((yy % p) < 1.5)
        img = base[None, None] * (1 + _lowfreq(r, h, w, 6, 0.06)[..., None]) * (1 - 0.35 * grout[..., None])
    elif kind == "mat":  # green cutting mat with grid
        img = np.ones((h, w, 3), np.float32) * np.array([40, 110, 80], np.float32)
        p = r.uniform(8, 14)
        grid = ((xx % p) < 0.7) | ((yy % p) < 0.7)
        img = img * (1 - grid[..., None]) + grid[..., None] * np.array([150, 200, 170], np.float32)
    elif kind == "sofa":
        base = np.array(r.choice([(90, 80, 75), (130, 110, 90), (50, 50, 60)]), np.float32)
        img = base[None, None] * (1 + _lowfreq(r, h, w, 3, 0.25)[..., None] + r.normal(0, 0.04, (h, w, 1)))
    else:  # plain desk / laminate / bed sheet
        base = np.array(
            r.choice(
                [
                    (235, 235, 230),
                    (200, 200, 205),
                    (60, 60, 65),
                    (25, 25, 28),
                    (180, 160, 130),
                    (150, 170, 190),
                    (245, 240, 225),
                ]
            ),
            np.float32,
        )
        img = base[None, None] * (1 + _lowfreq(r, h, w, 8, 0.07)[..., None] + r.normal(0, 0.015, (h, w, 1)))
    img = np.clip(img, 0, 255).astype(np.uint8)
    img = cv2.resize(img, (W, H), interpolation=cv2.INTER_LINEAR)
    return img


def add_objects(r, img, n, avoid=None):
    """Pens, phones, cups, keys: simple shaded shapes."""
    H, W = img.shape[:2]
    ov = img.copy()
    for _ in range(n):
        kind = r.choice(["pen", "phone", "cup", "card", "keys"])
        col = tuple(int(c) for c in r.integers(0, 255, 3))
        cx, cy = int(r.uniform(0, W)), int(r.uniform(0, H))
        s = min(H, W)
        if kind == "pen":
            L = s * r.uniform(0.15, 0.3)
            a = r.uniform(0, np.pi)
            p1 = (int(cx - L / 2 * np.cos(a)), int(cy - L / 2 * np.sin(a)))
            p2 = (int(cx + L / 2 * np.cos(a)), int(cy + L / 2 * np.sin(a)))
            cv2.line(ov, p1, p2, (20, 20, 20), int(s * 0.018) + 3, cv2.LINE_AA)
            cv2.line(ov, p1, p2, col, int(s * 0.014) + 1, cv2.LINE_AA)
        elif kind == "phone":
            w_, h_ = s * 0.12, s * 0.24
            box = cv2.boxPoints(((cx, cy), (w_, h_), r.uniform(0, 180))).astype(np.int32)
            cv2.fillPoly(ov, [box], (15, 15, 18), cv2.LINE_AA)
        elif kind == "cup":
            rr = int(s * r.uniform(0.06, 0.1))
            cv2.circle(ov, (cx + rr // 5, cy + rr // 5), rr, (40, 40, 40), -1, cv2.LINE_AA)
            cv2.circle(ov, (cx, cy), rr, col, -1, cv2.LINE_AA)
            cv2.circle(ov, (cx, cy), int(rr * 0.8), (60, 35, 20), -1, cv2.LINE_AA)
        elif kind == "card":
            box = cv2.boxPoints(((cx, cy), (s * 0.16, s * 0.1), r.uniform(0, 180))).astype(np.int32)
            cv2.fillPoly(ov, [box], col, cv2.LINE_AA)
        else:
            for k in range(3):
                cv2.circle(ov, (cx + k * int(s * 0.02), cy), int(s * 0.015), (170, 170, 160), 2, cv2.LINE_AA)
    return ov


def paper_texture(r, page, tint=None):
    h, w = page.shape[:2]
    tint = (
        np.array(
            tint
            if tint is not None
            else r.choice(
                [(255, 255, 255), (252, 250, 244), (248, 246, 238), (244, 244, 240), (250, 247, 236)]
            ),
            np.float32,
        )
        / 255
    )
    tex = 1 + _lowfreq(r, h, w, 12, 0.025)[..., None] + r.normal(0, 0.01, (h, w, 1)).astype(np.float32)
    out = page.astype(np.float32) * tint[None, None] * tex
    return np.clip(out, 0, 255)


def curl_and_fold(r, page, strength, folds):
    """Remap: a smooth bend across the page plus optional creases; returns (page, shade)."""
    h, w = page.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    shade = np.ones((h, w), np.float32)
    if strength > 0:
        ph = r.uniform(0, np.pi * 2)
        fx = r.uniform(0.6, 1.6)
        amp = strength * h * 0.012
        dy = amp * np.sin(xx / w * np.pi * fx + ph)
        dx = amp * 0.4 * np.sin(yy / h * np.pi * r.uniform(0.5, 1.5) + ph)
        slope = np.cos(xx / w * np.pi * fx + ph)
        shade *= 1 + 0.06 * strength * slope
        # corner lift near one corner
        if r.random() < 0.5:
            cx, cy = r.choice([0, w]), r.choice([0, h])
            d = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2) / (0.35 * min(h, w))
            lift = np.clip(1 - d, 0, 1) ** 2
            dy += lift * strength * h * 0.02 * (1 if cy == 0 else -1)
            shade *= 1 - 0.12 * lift * strength
        page = cv2.remap(page, xx + dx, yy + dy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    for _ in range(folds):
        if r.random() < 0.7:  # horizontal crease (letter folded in three)
            pos = int(h * r.choice([1 / 3, 2 / 3, 0.5]) + r.normal(0, h * 0.01))
            prof = np.clip(1 - np.abs(yy - pos) / (h * 0.004), 0, 1)
            side = (yy > pos).astype(np.float32)
        else:
            pos = int(w * 0.5 + r.normal(0, w * 0.01))
            prof = np.clip(1 - np.abs(xx - pos) / (w * 0.004), 0, 1)
            side = (xx > pos).astype(np.float32)
        shade *= (1 - 0.18 * prof) * (1 - r.uniform(0.0, 0.07) * side)
    return page, shade


def photograph(r, render, page_mm, problem=None, held=None):
    """render(dpi)->PIL page.  Returns RGB uint8 array (not yet JPEG-encoded)."""
    pw, ph = page_mm
    portrait_page = ph >= pw
    # --- frame size and how much of it the page fills -----------------------
    if problem == "too_small" and r.random() < 0.5:
        L = int(r.choice([320, 400, 480, 560]))
        fill = r.uniform(0.7, 0.9)
    elif problem == "too_small":
        L = int(r.choice([1600, 2048, 2592, 3264]))
        fill = r.uniform(0.12, 0.2)
    else:
        L = int(r.choice([800, 1024, 1280, 1600, 1600, 2048, 2048, 2592, 3000, 3264, 4000]))
        fill = r.uniform(0.62, 0.9) if problem != "cropped" else r.uniform(1.0, 1.35)
    aspect = r.choice([4 / 3, 4 / 3, 4 / 3, 16 / 9, 1.0])
    # phone mostly held in the page's orientation
    frame_portrait = portrait_page if r.random() < 0.85 else not portrait_page
    Wf, Hf = (int(L / aspect), L) if frame_portrait else (L, int(L / aspect))
    if Wf * Hf > 12.2e6:  # phones top out at ~12 MP (4000x3000)
        k = (12.0e6 / (Wf * Hf)) ** 0.5
        Wf, Hf = int(Wf * k), int(Hf * k)
    # page scale (px per mm) from fill of the limiting dimension
    ppmm = fill * min(Wf / pw, Hf / ph)
    if problem is None or problem in ("glare", "blurry", "too_dark", "too_bright"):
        # a good photo must stay legible: ~3.3 px per mm at least (12 pt cap height ~ 9-10 px)
        need = 3.4 if problem is None else 2.6
        if ppmm < need:
            k = need / ppmm
            Wf, Hf = int(Wf * k), int(Hf * k)
            ppmm = need
    dpi = float(np.clip(ppmm * 25.4 * 1.15, 60, 320))
    page = np.asarray(render(dpi).convert("RGB"))
    page = paper_texture(r, page)
    held = held if held is not None else (r.random() < 0.25)
    strength = r.uniform(0.5, 2.2) if held else r.uniform(0.0, 1.0)
    folds = int(r.choice([0, 0, 0, 1, 2]))
    page, shade = curl_and_fold(r, page, strength, folds)
    h0, w0 = page.shape[:2]
    # --- geometry --------------------------------------------------------------
    sw, sh = pw * ppmm, ph * ppmm
    ang = r.normal(0, 4) if r.random() < 0.8 else r.normal(0, 12)
    if problem is None:
        ang = float(np.clip(ang, -20, 20))
    cx = Wf / 2 + r.normal(0, 0.03) * Wf
    cy = Hf / 2 + r.normal(0, 0.03) * Hf
    if problem == "cropped":
        # push the page off one or two sides so a good part of the text is lost
        side = r.integers(4)
        off = r.uniform(0.28, 0.45)
        if side == 0:
            cx = Wf / 2 - off * sw
        elif side == 1:
            cx = Wf / 2 + off * sw
        elif side == 2:
            cy = Hf / 2 - off * sh
        else:
            cy = Hf / 2 + off * sh
    a = np.deg2rad(ang)
    R = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
    corners = np.array([[-sw / 2, -sh / 2], [sw / 2, -sh / 2], [sw / 2, sh / 2], [-sw / 2, sh / 2]]) @ R.T + [
        cx,
        cy,
    ]
    persp = r.uniform(0.0, 0.08) if problem != "too_small" else 0.03
    corners += r.normal(0, persp * min(sw, sh) / 2, (4, 2))
    # keystone: one edge shorter (camera tilted)
    if r.random() < 0.6:
        e = r.integers(4)
        k = r.uniform(0.02, 0.09) * (sw if e % 2 == 0 else sh)
        i, j = e, (e + 1) % 4
        mid = (corners[i] + corners[j]) / 2
        corners[i] += (mid - corners[i]) * k / np.linalg.norm(corners[j] - corners[i]) * 2
        corners[j] += (mid - corners[j]) * k / np.linalg.norm(corners[j] - corners[i]) * 2
    if problem is None or problem in ("blurry", "too_dark", "too_bright", "glare"):
        # keep the whole page in the frame, with a margin
        mn, mx = corners.min(0), corners.max(0)
        m = 0.02 * np.array([Wf, Hf])
        shift = np.maximum(0, m - mn) - np.maximum(0, mx - (np.array([Wf, Hf]) - m))
        corners += shift
        mn, mx = corners.min(0), corners.max(0)
        if (mx - mn > np.array([Wf, Hf]) * 0.96).any():
            s = float(np.min(np.array([Wf, Hf]) * 0.94 / (mx - mn)))
            c = (mn + mx) / 2
            corners = (corners - c) * s + np.array([Wf, Hf]) / 2
    src = np.float32([[0, 0], [w0, 0], [w0, h0], [0, h0]])
    M = cv2.getPerspectiveTransform(src, np.float32(corners))
    bg = background(r, Hf, Wf).astype(np.float32)
    if r.random() < 0.5:
        bg = add_objects(r, bg.astype(np.uint8), int(r.integers(1, 4))).astype(np.float32)
    if r.random() < 0.18:  # another blank-ish sheet lying under the page
        c2 = corners + r.normal(0, 0.06, 2) * np.array([sw, sh]) * 1.0
        c2 = (c2 - c2.mean(0)) @ np.array(
            [[np.cos(0.1), -np.sin(0.1)], [np.sin(0.1), np.cos(0.1)]]
        ).T * r.uniform(0.9, 1.0) + c2.mean(0)
        sheet = np.zeros((Hf, Wf), np.float32)
        cv2.fillPoly(sheet, [c2.astype(np.int32)], 1, cv2.LINE_AA)
        bg = bg * (1 - 0.35 * cv2.GaussianBlur(sheet, (0, 0), max(2, min(Wf, Hf) * 0.006))[..., None])
        bg = bg * (1 - sheet[..., None]) + sheet[..., None] * np.array(
            r.choice([(235, 235, 228), (240, 236, 220), (225, 230, 235)]), np.float32
        )
    warped = cv2.warpPerspective(
        page.astype(np.float32), M, (Wf, Hf), flags=cv2.INTER_AREA if dpi > 0 else cv2.INTER_LINEAR
    )
    mask = cv2.warpPerspective(np.ones((h0, w0), np.float32), M, (Wf, Hf), flags=cv2.INTER_LINEAR)
    shw = cv2.warpPerspective(shade, M, (Wf, Hf), flags=cv2.INTER_LINEAR, borderValue=1)
    # drop shadow under the paper
    sm = cv2.GaussianBlur(mask, (0, 0), max(2, min(Wf, Hf) * 0.01))
    off = (np.array([r.uniform(-1, 1), r.uniform(0.2, 1)]) * min(Wf, Hf) * 0.008).astype(int)
    sm = np.roll(np.roll(sm, off[1], 0), off[0], 1)
    bg *= (1 - 0.45 * sm)[..., None]
    img = bg * (1 - mask[..., None]) + warped * shw[..., None] * mask[..., None]
    # --- hand holding the page --------------------------------------------------
    if held:
        img = add_hand(r, img, corners, ppmm)
    # --- light ---------------------------------------------------------------------
    yy, xx = np.mgrid[0:Hf:8, 0:Wf:8].astype(np.float32)
    gx, gy = r.normal(0, 1, 2)
    grad = 1 + r.uniform(0.05, 0.25) * (gx * (xx / Wf - 0.5) + gy * (yy / Hf - 0.5))
    rad = 1 - r.uniform(0.05, 0.3) * (((xx / Wf - 0.5) ** 2 + (yy / Hf - 0.5) ** 2) * 2)
    light = cv2.resize((grad * rad).astype(np.float32), (Wf, Hf))
    if r.random() < 0.4 and problem != "too_bright":  # soft cast shadow (phone/arm)
        light *= cast_shadow(r, Hf, Wf, r.uniform(0.55, 0.8))
    img *= light[..., None]
    # white balance
    wb = r.choice(
        [
            (1.0, 1.0, 1.0),
            (1.08, 1.0, 0.85),
            (1.12, 1.0, 0.78),
            (0.92, 1.0, 1.1),
            (1.03, 1.0, 0.95),
            (0.97, 1.0, 1.04),
        ]
    )
    img *= np.array(wb, np.float32)[None, None]
    expo = r.uniform(0.88, 1.12)
    img *= expo
    # --- problems -------------------------------------------------------------------
    if problem == "too_dark":
        img = img * r.uniform(0.07, 0.14)
    elif problem == "too_bright":
        g = r.uniform(3.5, 4.5)
        img = img * g + r.uniform(110, 150)
    elif problem == "glare":
        img = add_glare(r, img, corners, strong=True)
    elif problem is None and r.random() < 0.15:
        img = add_glare(r, img, corners, strong=False)
    img = np.clip(img, 0, 255)
    # --- optics -----------------------------------------------------------------------
    if problem == "blurry":
        if r.random() < 0.5:
            img = cv2.GaussianBlur(img, (0, 0), ppmm * r.uniform(1.0, 1.8))
        else:
            L_ = int(max(5, ppmm * r.uniform(3.0, 5.0)))
            k = np.zeros((L_, L_), np.float32)
            k[L_ // 2, :] = 1
            Mrot = cv2.getRotationMatrix2D((L_ / 2 - 0.5, L_ / 2 - 0.5), r.uniform(0, 180), 1)
            k = cv2.warpAffine(k, Mrot, (L_, L_))
            k /= k.sum()
            img = cv2.filter2D(img, -1, k)
            img = cv2.GaussianBlur(img, (0, 0), ppmm * 0.4)
    else:
        img = cv2.GaussianBlur(img, (0, 0), float(r.uniform(0.3, 0.9)) * max(1, min(Wf, Hf) / 1500))
        if r.random() < 0.5:  # phone sharpening
            bl = cv2.GaussianBlur(img, (0, 0), 2)
            img = np.clip(img + 0.4 * (img - bl), 0, 255)
    # vignette + sensor noise
    vig = 1 - r.uniform(0, 0.25) * (((xx / Wf - 0.5) ** 2 + (yy / Hf - 0.5) ** 2) * 2)
    img *= cv2.resize(vig.astype(np.float32), (Wf, Hf))[..., None]
    sigma = r.uniform(1.5, 4.5) if problem != "too_dark" else r.uniform(2.0, 4.0)
    img += r.normal(0, sigma, img.shape[:2] + (1,)).astype(np.float32) + r.normal(
        0, sigma * 0.5, img.shape
    ).astype(np.float32)
    img = np.clip(img, 0, 255).astype(np.uint8)
    if problem == "too_small" and L <= 560:
        pass
    return img


def cast_shadow(r, H, W, depth):
    m = np.zeros((H // 4 + 1, W // 4 + 1), np.float32)
    h, w = m.shape
    pts = np.array([[r.uniform(-0.2, 1.2) * w, r.uniform(-0.2, 1.2) * h] for _ in range(3)])
    edge = r.integers(4)
    extra = {0: [[0, 0], [w, 0]], 1: [[w, 0], [w, h]], 2: [[w, h], [0, h]], 3: [[0, h], [0, 0]]}[int(edge)]
    poly = np.vstack([pts[:2], extra]).astype(np.int32)
    cv2.fillPoly(m, [cv2.convexHull(poly)], 1)
    m = cv2.GaussianBlur(m, (0, 0), min(h, w) * r.uniform(0.03, 0.08))
    m = cv2.resize(m, (W, H))
    return 1 - (1 - depth) * m


def add_glare(r, img, corners, strong):
    H, W = img.shape[:2]
    c = corners.mean(0)
    span = np.abs(corners.max(0) - corners.min(0))
    out = img.copy()
    n = 1 if not strong else int(r.integers(1, 3))
    for _ in range(n):
        gx = c[0] + r.uniform(-0.25, 0.25) * span[0]
        gy = c[1] + r.uniform(-0.25, 0.25) * span[1]
        sx = span[0] * (r.uniform(0.18, 0.32) if strong else r.uniform(0.05, 0.1))
        sy = sx * r.uniform(0.5, 1.4)
        yy, xx = np.mgrid[0:H:4, 0:W:4].astype(np.float32)
        th = r.uniform(0, np.pi)
        u = ((xx - gx) * np.cos(th) + (yy - gy) * np.sin(th)) / sx
        v = (-(xx - gx) * np.sin(th) + (yy - gy) * np.cos(th)) / sy
        g = np.exp(-((u**2 + v**2) ** 1.5) * 1.5)
        g = cv2.resize(g.astype(np.float32), (W, H))
        amp = r.uniform(300, 500) if strong else r.uniform(40, 80)
        out = out + amp * g[..., None] * np.array([1.0, 1.0, 0.97], np.float32)
        if strong:  # burnt-out core: the paper reflects the lamp, ink vanishes
            core = np.clip((g - 0.35) / 0.3, 0, 1)
            out = out * (1 - core[..., None]) + 255 * core[..., None]
    return out


def add_hand(r, img, corners, ppmm):
    """Thumb (and palm behind) on one side edge of the page; covers margin only."""
    H, W = img.shape[:2]
    col = np.array(SKIN[int(r.integers(len(SKIN)))], np.float32)
    m = np.zeros((H, W), np.float32)
    e = int(r.choice([3, 1, 2]))  # left, right or bottom edge
    i, j = e, (e + 1) % 4
    t = r.uniform(0.35, 0.7)
    p = corners[i] * (1 - t) + corners[j] * t
    d = corners[j] - corners[i]
    d /= np.linalg.norm(d)
    nrm = np.array([d[1], -d[0]])  # outward normal (corners are clockwise)
    thumb_len = 42 * ppmm
    thumb_w = 17 * ppmm
    inset = r.uniform(6, 12) * ppmm  # how far the thumb tip reaches into the page
    tip = p - nrm * inset
    centre = tip + nrm * thumb_len * 0.45
    angle = np.degrees(np.arctan2(nrm[1], nrm[0]))
    cv2.ellipse(
        m,
        (int(centre[0]), int(centre[1])),
        (int(thumb_len / 2), int(thumb_w / 2)),
        angle,
        0,
        360,
        1,
        -1,
        cv2.LINE_AA,
    )
    palm = p + nrm * thumb_len * 1.1
    cv2.ellipse(
        m,
        (int(palm[0]), int(palm[1])),
        (int(thumb_len * 0.9), int(thumb_len * 1.2)),
        angle,
        0,
        360,
        1,
        -1,
        cv2.LINE_AA,
    )
    # thumb nail: lighter, pinkish, near the tip
    nail = np.zeros((H, W), np.float32)
    nc = tip + nrm * 6 * ppmm
    cv2.ellipse(
        nail,
        (int(nc[0]), int(nc[1])),
        (int(5.5 * ppmm), int(thumb_w * 0.3)),
        angle,
        0,
        360,
        1,
        -1,
        cv2.LINE_AA,
    )
    nail = cv2.GaussianBlur(nail, (0, 0), max(1.0, ppmm * 0.5))
    # knuckle crease
    crease = np.zeros((H, W), np.float32)
    kc = tip + nrm * 16 * ppmm
    cv2.ellipse(
        crease,
        (int(kc[0]), int(kc[1])),
        (int(1.2 * ppmm), int(thumb_w * 0.35)),
        angle,
        0,
        360,
        1,
        max(1, int(ppmm * 0.4)),
        cv2.LINE_AA,
    )
    crease = cv2.GaussianBlur(crease, (0, 0), max(1.0, ppmm * 0.4))
    edge = m - cv2.GaussianBlur(m, (0, 0), max(2.0, ppmm * 3))
    m = cv2.GaussianBlur(m, (0, 0), max(1.5, ppmm * 0.6))
    shade = 0.85 + 0.15 * _lowfreq(r, H, W, 30, 1.0) - 0.35 * np.clip(edge, 0, 1) - 0.12 * crease
    skin = col[None, None] * shade[..., None]
    skin = (
        skin * (1 - 0.6 * nail[..., None])
        + np.array([235, 200, 190], np.float32)[None, None] * 0.6 * nail[..., None]
    )
    # shadow of the hand on the paper
    sh = cv2.GaussianBlur(m, (0, 0), ppmm * 3)
    img = img * (1 - 0.3 * sh[..., None])
    return img * (1 - m[..., None]) + skin * m[..., None]


def not_document(r):
    L = int(r.choice([1024, 1600, 2048, 3000, 4000]))
    aspect = r.choice([4 / 3, 16 / 9, 1.0])
    W, H = (L, int(L / aspect)) if r.random() < 0.5 else (int(L / aspect), L)
    img = background(r, H, W).astype(np.float32)
    img = add_objects(r, img.astype(np.uint8), int(r.integers(1, 6))).astype(np.float32)
    if r.random() < 0.4:  # a hand in the frame
        c = np.array([[W * 0.3, H * 0.3], [W * 0.7, H * 0.3], [W * 0.7, H * 0.7], [W * 0.3, H * 0.7]])
        img = add_hand(r, img, c, min(W, H) / 300)
    yy, xx = np.mgrid[0:H:8, 0:W:8].astype(np.float32)
    light = 1 + r.uniform(0.05, 0.3) * (r.normal() * (xx / W - 0.5) + r.normal() * (yy / H - 0.5))
    img *= cv2.resize(light.astype(np.float32), (W, H))[..., None] * r.uniform(0.8, 1.1)
    img = cv2.GaussianBlur(img, (0, 0), 1.0)
    img += r.normal(0, 3, img.shape).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.uint8)
