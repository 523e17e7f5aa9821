"""Photo scene: surfaces, card placement with perspective, shadow, holding hand, lighting."""

from __future__ import annotations

import math
import random

import cv2
import numpy as np

SKIN = [(224, 172, 140), (198, 145, 110), (236, 190, 160), (170, 120, 90), (214, 160, 125)]


def _lowfreq(rng: random.Random, w: int, h: int, cells=4, amp=1.0) -> np.ndarray:
    """Smooth random field in [-amp, amp]."""
    g = np.array([[rng.uniform(-1, 1) for _ in range(cells + 1)] for _ in range(cells + 1)], np.float32)
    return cv2.resize(g, (w, h), interpolation=cv2.INTER_CUBIC) * amp


def _nprng(rng: random.Random) -> np.random.Generator:
    return np.random.default_rng(rng.getrandbits(63))


def surface(rng: random.Random, w: int, h: int, kind: str | None = None) -> np.ndarray:
    """A float32 HxWx3 background in 0..255: wood, fabric, paper, laminate, stone."""
    nr = _nprng(rng)
    kind = kind or rng.choice(["wood", "wood", "fabric", "paper", "laminate", "stone", "fabric"])
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == "wood":
        base = np.array(rng.choice([(150, 100, 60), (120, 80, 50), (185, 140, 95), (95, 65, 45)]), np.float32)
        a = rng.uniform(-0.15, 0.15) + (math.pi / 2 if rng.random() < 0.5 else 0)
        u = xx * math.cos(a) + yy * math.sin(a)
        v = -xx * math.sin(a) + yy * math.cos(a)
        warp = _lowfreq(rng, w, h, 6, 25.0)
        grain = np.sin((v + warp) * rng.uniform(0.08, 0.2)) * 0.5 + np.sin((v + warp * 2) * 0.031) * 0.5
        planks = (np.floor(v / rng.uniform(120, 260)) % 3) * rng.uniform(4, 10)
        t = grain[..., None] * 14 + planks[..., None] + nr.normal(0, 3, (h, w, 1)).astype(np.float32)
        t += (np.sin(u * 0.004) * 4)[..., None]
        img = base + t * np.array([1.0, 0.8, 0.6], np.float32)
    elif kind == "fabric":
        base = np.array(
            rng.choice([(60, 80, 130), (140, 40, 50), (90, 110, 90), (170, 160, 150), (50, 50, 55)]),
            np.float32,
        )
        p = rng.uniform(0.45, 1.1)
        weave = (np.sin(xx * p) * np.sin(yy * p))[..., None] * 10
        folds = _lowfreq(rng, w, h, 5, 30.0)[..., None]
        img = base + weave + folds + nr.normal(0, 5, (h, w, 1)).astype(np.float32)
    elif kind == "paper":
        base = np.array(rng.choice([(214, 208, 196), (200, 200, 196), (220, 212, 190)]), np.float32)
        fib = cv2.GaussianBlur(nr.normal(0, 10, (h, w)).astype(np.float32), (0, 0), 1.2)[..., None]
        img = base + fib + _lowfreq(rng, w, h, 3, 10.0)[..., None]
        if rng.random() < 0.5:  # ruled notebook lines (no text)
            step = rng.randint(36, 60)
            img[(yy.astype(int) % step) < 2] *= np.array([0.75, 0.85, 0.95], np.float32)
    elif kind == "stone":
        base = np.array(rng.choice([(120, 120, 125), (170, 165, 160), (70, 70, 75)]), np.float32)
        speck = cv2.GaussianBlur(nr.normal(0, 30, (h // 2 + 1, w // 2 + 1)).astype(np.float32), (0, 0), 1.5)
        speck = cv2.resize(speck, (w, h))[..., None]
        img = base + speck + _lowfreq(rng, w, h, 4, 12.0)[..., None]
    else:  # laminate desk
        base = np.array(
            rng.choice([(225, 225, 220), (40, 42, 46), (110, 120, 130), (200, 190, 170)]), np.float32
        )
        img = base + _lowfreq(rng, w, h, 3, 10.0)[..., None] + nr.normal(0, 2.5, (h, w, 1)).astype(np.float32)
    return np.clip(img, 0, 255).astype(np.float32)


def place_quad(
    rng: random.Random, W: int, H: int, frac: float, tilt: float, rot_max: float, inside=True
) -> np.ndarray:
    """Card corners TL, TR, BR, BL in frame pixels; card width ~= frac * W."""
    asp = 53.98 / 85.6
    for _ in range(60):
        cw = frac * W
        ch = cw * asp
        ang = math.radians(rng.uniform(-rot_max, rot_max))
        base = np.array([[-cw / 2, -ch / 2], [cw / 2, -ch / 2], [cw / 2, ch / 2], [-cw / 2, ch / 2]])
        # perspective: shrink one side (keystone) and jitter corners
        k = rng.uniform(-tilt, tilt)
        kv = rng.uniform(-tilt, tilt) * 0.7
        base[0, 0] += k * cw / 2
        base[3, 0] += -k * cw / 2 * 0.2
        base[1, 0] -= k * cw / 2
        base[2, 0] -= -k * cw / 2 * 0.2
        base[0, 1] += kv * ch / 2
        base[3, 1] -= kv * ch / 2
        base += np.array([[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(4)]) * cw * tilt * 0.15
        R = np.array([[math.cos(ang), -math.sin(ang)], [math.sin(ang), math.cos(ang)]])
        q = base @ R.T
        span = q.max(0) - q.min(0)
        if not inside:
            cx, cy = rng.uniform(0.3, 0.7) * W, rng.uniform(0.3, 0.7) * H
            return q + [cx, cy]
        mx, my = 0.02 * W, 0.02 * H
        if span[0] > W - 2 * mx or span[1] > H - 2 * my:
            frac *= 0.95
            continue
        lo, hi = -q.min(0) + [mx, my], [W, H] - q.max(0) - [mx, my]
        c = [rng.uniform(lo[0], hi[0]), rng.uniform(lo[1], hi[1])]
        # prefer roughly centred placements like a real photographer
        c = [
            (c[0] + W / 2) / 2 if rng.random() < 0.7 else c[0],
            (c[1] + H / 2) / 2 if rng.random() < 0.7 else c[1],
        ]
        return q + c
    raise RuntimeError("cannot place card")


def outside_fraction(quad: np.ndarray, W: int, H: int) -> float:
    s = 4.0
    pad = int(max(W, H) * 1.5 / s)
    m = np.zeros((int(H / s) + 2 * pad, int(W / s) + 2 * pad), np.uint8)
    pts = np.round(quad / s + pad).astype(np.int32)
    cv2.fillPoly(m, [pts], 1)
    total = m.sum()
    inside = m[pad : pad + int(H / s), pad : pad + int(W / s)].sum()
    return 1.0 - inside / max(total, 1)


def warp_card(card_rgba: np.ndarray, quad: np.ndarray, W: int, H: int):
    """Warp the RGBA card into the frame; pre-shrinks to avoid aliasing."""
    ch, cw = card_rgba.shape[:2]
    target_w = np.linalg.norm(quad[1] - quad[0])
    scale = min(1.0, 1.25 * target_w / cw)
    src = card_rgba
    if scale < 0.95:
        src = cv2.resize(
            card_rgba, (max(8, int(cw * scale)), max(8, int(ch * scale))), interpolation=cv2.INTER_AREA
        )
    sh, sw = src.shape[:2]
    M = cv2.getPerspectiveTransform(np.float32([[0, 0], [sw, 0], [sw, sh], [0, sh]]), np.float32(quad))
    out = cv2.warpPerspective(
        src, M, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0
    )
    Mc = cv2.getPerspectiveTransform(np.float32([[0, 0], [cw, 0], [cw, ch], [0, ch]]), np.float32(quad))
    return out.astype(np.float32), Mc


def composite(bg: np.ndarray, warped: np.ndarray, rng: random.Random, shadow=True) -> np.ndarray:
    a = warped[..., 3:4] / 255.0
    out = bg.copy()
    if shadow:
        W = bg.shape[1]
        dx, dy = rng.uniform(-0.012, 0.012) * W, rng.uniform(0.002, 0.015) * W
        M = np.float32([[1, 0, dx], [0, 1, dy]])
        sa = cv2.warpAffine(warped[..., 3], M, (bg.shape[1], bg.shape[0])) / 255.0
        sa = cv2.GaussianBlur(sa, (0, 0), max(1.0, W * rng.uniform(0.004, 0.012)))
        out *= 1.0 - rng.uniform(0.25, 0.5) * sa[..., None]
    # card edge: slightly darker rim where alpha transitions
    rim = cv2.GaussianBlur(a[..., 0], (0, 0), 1.2)
    rim = np.clip(1 - np.abs(rim - 0.5) * 2, 0, 1)[..., None]
    card = warped[..., :3] * (1 - 0.25 * rim)
    return out * (1 - a) + card * a


def _ellipse_poly(cx, cy, rx, ry, ang, n=40):
    t = np.linspace(0, 2 * math.pi, n, endpoint=False)
    p = np.stack([rx * np.cos(t), ry * np.sin(t)], 1)
    R = np.array([[math.cos(ang), -math.sin(ang)], [math.sin(ang), math.cos(ang)]])
    return p @ R.T + [cx, cy]


def hand_layers(rng: random.Random, boxes, card_wh, Mc: np.ndarray, W: int, H: int):
    """Skin polygons (under, over) in frame coords: the palm outside a card edge
    and a thumb whose tip reaches only into the text-free margin."""
    cw, ch = card_wh
    best = None
    for _ in range(40):
        edge = rng.choice(["left", "right", "bottom", "left", "right"])
        if edge in ("left", "right"):
            y = rng.uniform(0.3, 0.8) * ch
            x_edge = 0 if edge == "left" else cw
            near = [b for b in boxes if b[1] - 40 < y < b[3] + 40]
            free = min([(b[0] if edge == "left" else cw - b[2]) for b in near] or [cw * 0.1])
            cand = (free, edge, x_edge, y)
        else:
            x = rng.uniform(0.15, 0.85) * cw
            free = min([ch - b[3] for b in boxes if b[0] - 40 < x < b[2] + 40] or [ch * 0.1])
            cand = (free, edge, x, ch)
        if best is None or cand[0] > best[0]:
            best = cand
    free, edge, ex, ey = best
    tw = cw * rng.uniform(0.05, 0.065)  # thumb width
    depth = max(0.0, min(free - cw * 0.008 - tw * 0.12, cw * 0.035))
    # local frame: n points out of the card, t along the edge
    n = {"left": np.array([-1.0, 0]), "right": np.array([1.0, 0]), "bottom": np.array([0, 1.0])}[edge]
    t = np.array([-n[1], n[0]]) * rng.choice([-1, 1])
    e = np.array([ex, ey])
    tip_ang = rng.uniform(0.35, 0.7)  # thumb leans along the edge
    axis = -n * math.cos(tip_ang) + t * math.sin(tip_ang)
    tip = e - n * depth
    tc = tip - axis * tw * 1.25
    thumb = _ellipse_poly(tc[0], tc[1], tw * 1.3, tw * 0.48, math.atan2(axis[1], axis[0]))
    nail = _ellipse_poly(*(tip - axis * tw * 0.42), tw * 0.35, tw * 0.3, math.atan2(axis[1], axis[0]))
    pc = e + n * tw * 1.9 - t * tw * 0.8
    palm = _ellipse_poly(pc[0], pc[1], tw * 2.3, tw * 1.9, math.atan2(n[1], n[0]))
    far = e + n * cw * 2.5
    arm = [pc + t * tw * 1.5, far + t * tw * 2.2, far - t * tw * 2.2, pc - t * tw * 1.7]

    def to_frame(p):
        p = np.asarray(p, np.float32).reshape(-1, 1, 2)
        return cv2.perspectiveTransform(p, Mc).reshape(-1, 2)

    skin = np.array(rng.choice(SKIN), np.float32)
    under = [to_frame(palm), to_frame(arm)]
    return skin, under, [to_frame(thumb)], [to_frame(nail)]


def draw_skin(img: np.ndarray, polys, skin, rng: random.Random, shade_k=0.25) -> np.ndarray:
    H, W = img.shape[:2]
    m = np.zeros((H, W), np.float32)
    for p in polys:
        cv2.fillPoly(m, [np.round(p).astype(np.int32)], 1.0, lineType=cv2.LINE_AA)
    if m.sum() == 0:
        return img
    m = cv2.GaussianBlur(m, (0, 0), 1.5)
    shade = 0.85 + shade_k * cv2.GaussianBlur(m, (0, 0), max(2.0, W * 0.01))
    col = skin[None, None, :] * shade[..., None]
    return img * (1 - m[..., None]) + col * m[..., None]


def lighting(img: np.ndarray, rng: random.Random, gain: float, spread=0.15) -> np.ndarray:
    """Global exposure, linear + radial falloff, white-balance tint."""
    H, W = img.shape[:2]
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    a = rng.uniform(0, 2 * math.pi)
    lin = (np.cos(a) * (xx / W - 0.5) + np.sin(a) * (yy / H - 0.5)) * rng.uniform(0, spread * 2)
    r2 = (xx / W - 0.5) ** 2 + (yy / H - 0.5) ** 2
    vig = -r2 * rng.uniform(0.1, 0.5)
    field = gain * (1 + lin + vig)
    tint = np.array([rng.uniform(0.94, 1.06), 1.0, rng.uniform(0.92, 1.06)], np.float32)
    return img * field[..., None] * tint
