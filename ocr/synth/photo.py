"""Turn a flat card (or page) into a realistic phone photo, good or with one defect."""

from __future__ import annotations

import io
import random

import cv2
import numpy as np
from PIL import Image, ImageDraw

from . import cards, scenes, scenes24

BAD_CLASSES = [
    "blurry",
    "too_dark",
    "too_bright",
    "glare",
    "cropped",
    "too_small_card",
    "too_small_image",
    "not_document",
]
# what the verdict should say for each generated class
EXPECTED = {
    "good": set(),
    "blurry": {"blurry"},
    "too_dark": {"too_dark"},
    "too_bright": {"too_bright"},
    "glare": {"glare"},
    "cropped": {"cropped"},
    "too_small_card": {"too_small"},
    "too_small_image": {"too_small"},
    "not_document": {"not_document"},
}


def background(rng: random.Random, w: int, h: int) -> np.ndarray:
    """A table / fabric / wood / floor-like background (float32 RGB 0..255)."""
    kind = rng.choice(["wood", "solid", "fabric", "dark", "light", "tiles"])
    sw, sh = max(8, w // 8), max(8, h // 8)
    nrng = np.random.default_rng(rng.randrange(1 << 30))
    if kind == "wood":
        base = np.array([rng.uniform(90, 160), rng.uniform(55, 100), rng.uniform(25, 60)], np.float32)
        y = np.arange(sh, dtype=np.float32)[:, None]
        stripes = np.sin(y * rng.uniform(0.2, 0.6) + nrng.normal(0, 1.5, (sh, sw)).cumsum(1) * 0.05)
        img = base[None, None, :] * (0.85 + 0.15 * stripes[..., None])
    elif kind == "tiles":
        base = np.array([rng.uniform(150, 210)] * 3, np.float32) * np.array([1, 0.97, 0.92], np.float32)
        img = np.ones((sh, sw, 3), np.float32) * base
        step = max(4, sw // rng.randint(3, 6))
        img[::step, :, :] *= 0.7
        img[:, ::step, :] *= 0.7
    else:
        if kind == "dark":
            base = np.array([rng.uniform(15, 60) for _ in range(3)], np.float32)
        elif kind == "light":
            base = np.array([rng.uniform(150, 200) for _ in range(3)], np.float32)
        else:
            base = np.array([rng.uniform(40, 180) for _ in range(3)], np.float32)
        img = np.ones((sh, sw, 3), np.float32) * base
        amp = 25 if kind == "fabric" else 8
        img += nrng.normal(0, amp, (sh, sw, 1)).astype(np.float32)
    img = cv2.resize(img, (w, h), interpolation=cv2.INTER_LINEAR)
    return img


def _quad(rng, w, h, cw_frac, cls, aspect):
    cw = w * cw_frac
    ch = cw / aspect
    if ch > h * 0.92 and cls != "cropped":
        ch = h * 0.92
        cw = ch * aspect
    ang = np.deg2rad(rng.uniform(-12, 12))
    cx = w / 2 + rng.uniform(-1, 1) * max(0.0, (w - cw * 1.15) / 2)
    cy = h / 2 + rng.uniform(-1, 1) * max(0.0, (h - ch * 1.25) / 2)
    if cls == "cropped":
        # one side cut (a sliver to 40 %), a corner cut (two sides), or the card too close
        how = rng.choice(["side", "side", "corner", "close"])
        sides = rng.sample(["l", "r", "t", "b"], 1) if how == "side" else []
        if how == "corner":
            sides = [rng.choice(["l", "r"]), rng.choice(["t", "b"])]
        if how == "close":  # wider than the frame: cut on both sides, or higher than it
            cw, ch = (
                (w * rng.uniform(1.04, 1.25), 0) if rng.random() < 0.5 else (0, h * rng.uniform(1.04, 1.2))
            )
            cw, ch = (cw, cw / aspect) if cw else (ch * aspect, ch)
            cx, cy = w / 2 + rng.uniform(-0.05, 0.05) * w, h / 2 + rng.uniform(-0.05, 0.05) * h
        for side in sides:
            f = rng.uniform(0.06, 0.4) if how == "side" else rng.uniform(0.05, 0.25)
            if side == "l":
                cx = cw / 2 - f * cw
            elif side == "r":
                cx = w - cw / 2 + f * cw
            elif side == "t":
                cy = ch / 2 - f * ch
            else:
                cy = h - ch / 2 + f * ch
        ang = np.deg2rad(rng.uniform(-5, 5))
    base = np.array([[-cw / 2, -ch / 2], [cw / 2, -ch / 2], [cw / 2, ch / 2], [-cw / 2, ch / 2]])
    jit = np.array([[rng.uniform(-0.035, 0.035) * cw, rng.uniform(-0.035, 0.035) * ch] for _ in range(4)])
    rot = np.array([[np.cos(ang), -np.sin(ang)], [np.sin(ang), np.cos(ang)]])
    pts = (base + jit) @ rot.T + [cx, cy]
    if cls != "cropped":  # keep the whole card inside the frame with a margin
        m = 0.03 * min(w, h)
        span = pts.max(0) - pts.min(0)
        k = min(1.0, (w - 2 * m) / span[0], (h - 2 * m) / span[1])
        c = pts.mean(0)
        pts = c + (pts - c) * k
        lo, hi = pts.min(0), pts.max(0)
        pts = pts + np.maximum(0, m - lo) - np.maximum(0, hi - np.array([w - m, h - m]))
    return pts.astype(np.float32)


def _not_document(rng: random.Random, w: int, h: int, new: str | None = None) -> np.ndarray:
    """A scene with no document: a face-like selfie, sky/landscape, food plate, or a room (and,
    since notdoc23, for about half of the seeds one of scenes.NOT_DOCUMENT)."""
    img = background(rng, w, h)
    if new:
        return scenes.not_document(new, rng, w, h, img)
    kind = rng.choice(
        [
            "landscape",
            "selfie",
            "plate",
            "blobs",
            "bankcard",
            "bizcard",
            "screen",
            "sign",
            "keyboard",
            "blank",
            "empty",
        ]
    )
    pil = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(pil)
    if kind in ("bankcard", "bizcard", "screen", "sign", "keyboard", "blank"):
        pil = _printed_thing(pil, rng, kind)
    elif kind == "empty":  # the table alone, a corner of a wall
        pass
    elif kind == "landscape":
        horizon = int(h * rng.uniform(0.35, 0.6))
        sky = np.linspace([110, 160, 230], [200, 220, 245], horizon).astype(np.uint8)
        arr = np.array(pil)
        arr[:horizon] = sky[:, None, :]
        arr[horizon:] = np.array([rng.randint(40, 90), rng.randint(100, 150), rng.randint(30, 70)])
        pil = Image.fromarray(arr)
        d = ImageDraw.Draw(pil)
        for _ in range(rng.randint(2, 6)):
            x = rng.uniform(0, w)
            d.polygon(
                [(x - w * 0.2, horizon), (x, horizon - h * rng.uniform(0.1, 0.3)), (x + w * 0.2, horizon)],
                fill=(rng.randint(60, 110), rng.randint(80, 120), rng.randint(60, 100)),
            )
    elif kind == "selfie":
        d.ellipse(
            (w * 0.3, h * 0.1, w * 0.7, h * 0.75),
            fill=(rng.randint(170, 225), rng.randint(130, 180), rng.randint(100, 150)),
        )
        d.ellipse(
            (w * 0.15, h * 0.7, w * 0.85, h * 1.5),
            fill=(rng.randint(20, 200), rng.randint(20, 200), rng.randint(20, 200)),
        )
        d.ellipse((w * 0.28, h * 0.05, w * 0.72, h * 0.3), fill=(30, 25, 20))
    elif kind == "plate":
        d.ellipse((w * 0.2, h * 0.1, w * 0.8, h * 0.9), fill=(235, 235, 230))
        for _ in range(rng.randint(5, 15)):
            x, y, r = rng.uniform(0.3, 0.7) * w, rng.uniform(0.25, 0.75) * h, rng.uniform(0.02, 0.08) * w
            d.ellipse(
                (x - r, y - r, x + r, y + r),
                fill=(rng.randint(100, 250), rng.randint(50, 200), rng.randint(0, 120)),
            )
    else:
        for _ in range(rng.randint(5, 12)):
            x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.05, 0.25) * w
            d.ellipse(
                (x - r, y - r, x + r, y + r),
                fill=(rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255)),
            )
    arr = np.array(pil).astype(np.float32)
    return cv2.GaussianBlur(arr, (0, 0), max(0.6, w / rng.choice([800, 1600, 2400])))


_FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
_BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def _printed_thing(pil: Image.Image, rng: random.Random, kind: str) -> Image.Image:
    """A flat object with print on it that is not an ID card nor a paper: a bank card, a business
    card, a phone screen, a shop sign. Drawn flat, turned a little and laid on the scene."""
    from PIL import ImageFont

    w, h = pil.size
    aspect = {
        "bankcard": 1.586,
        "bizcard": rng.uniform(1.6, 1.8),
        "screen": 0.48,
        "sign": rng.uniform(2, 3.5),
        "keyboard": rng.uniform(2.6, 3.2),
        "blank": rng.uniform(1.4, 1.75),  # a plain card or a blank sheet: no print at all
    }[kind]
    ow = int(w * (rng.uniform(0.22, 0.35) if kind == "screen" else rng.uniform(0.45, 0.8)))
    oh = int(ow / aspect)
    if oh > 0.9 * h:
        oh = int(0.9 * h)
        ow = int(oh * aspect)
    col = {
        "bankcard": (rng.randint(0, 120), rng.randint(0, 120), rng.randint(60, 200)),
        "bizcard": (rng.randint(235, 252),) * 3,
        "screen": (rng.randint(10, 40),) * 3,
        "sign": (rng.randint(120, 220), rng.randint(0, 80), rng.randint(0, 80)),
        "keyboard": (rng.randint(20, 60),) * 3 if rng.random() < 0.6 else (rng.randint(200, 235),) * 3,
        "blank": (rng.randint(215, 250), rng.randint(215, 250), rng.randint(210, 245)),
    }[kind]
    obj = Image.new("RGB", (ow, oh), col)
    d = ImageDraw.Draw(obj)
    font = lambda k, b=False: ImageFont.truetype(_BOLD if b else _FONT, max(8, int(oh * k)))  # noqa: E731
    light = (245, 245, 240)
    if kind == "bankcard":
        d.rectangle((ow * 0.08, oh * 0.3, ow * 0.22, oh * 0.48), fill=(212, 175, 80))
        num = " ".join(f"{rng.randint(0, 9999):04d}" for _ in range(4))
        d.text((ow * 0.08, oh * 0.55), num, font=font(0.11, True), fill=light)
        d.text(
            (ow * 0.08, oh * 0.78),
            rng.choice(["NGUYEN VAN AN", "TRAN THI BINH", "LE MINH"]),
            font=font(0.07),
            fill=light,
        )
        d.text(
            (ow * 0.62, oh * 0.08), rng.choice(["BANK", "VISA", "NAPAS"]), font=font(0.12, True), fill=light
        )
    elif kind == "bizcard":
        ink = (rng.randint(10, 60), rng.randint(10, 60), rng.randint(10, 90))
        d.text(
            (ow * 0.08, oh * 0.15),
            rng.choice(["Nguyễn Văn An", "Trần Thị Bình"]),
            font=font(0.1, True),
            fill=ink,
        )
        d.text(
            (ow * 0.08, oh * 0.3),
            rng.choice(["Giám đốc kinh doanh", "Kỹ sư phần mềm"]),
            font=font(0.06),
            fill=ink,
        )
        for i, t in enumerate(["ĐT: 0912 345 678", "Email: lienhe@congty.vn", "12 Lê Lợi, Quận 1"]):
            d.text((ow * 0.08, oh * (0.55 + 0.12 * i)), t, font=font(0.055), fill=ink)
    elif kind == "screen":
        for i in range(rng.randint(5, 9)):
            y = oh * (0.08 + 0.1 * i)
            d.rounded_rectangle(
                (ow * 0.06, y, ow * 0.94, y + oh * 0.07), radius=8, fill=(rng.randint(40, 90),) * 3
            )
            d.text((ow * 0.1, y + oh * 0.015), rng.choice(["Tin nhắn mới", "Cuộc gọi nhỡ", "Ảnh", "Cài đặt"]),
                   font=font(0.03), fill=light)  # fmt: skip
    elif kind == "keyboard":  # rows of keys with a letter each
        keyc = tuple(min(255, c + 25) if c < 128 else c - 25 for c in col)
        ink = light if col[0] < 128 else (20, 20, 20)
        keys = "QWERTYUIOPASDFGHJKLZXCVBNM"
        for r in range(4):
            for k in range(10 if r < 3 else 7):
                x0, y0 = ow * (0.03 + 0.095 * k + 0.03 * r), oh * (0.06 + 0.23 * r)
                d.rounded_rectangle((x0, y0, x0 + ow * 0.085, y0 + oh * 0.2), radius=4, fill=keyc)
                d.text((x0 + ow * 0.02, y0 + oh * 0.03), keys[(r * 10 + k) % 26], font=font(0.09), fill=ink)
    elif kind == "blank":
        pass
    else:
        d.text(
            (ow * 0.05, oh * 0.2),
            rng.choice(["TẠP HÓA", "CÀ PHÊ", "PHỞ BÒ"]),
            font=font(0.4, True),
            fill=light,
        )
    obj = obj.rotate(rng.uniform(-15, 15), expand=True, fillcolor=(0, 0, 0))
    mask = obj.convert("L").point(lambda v: 255 if v > 0 else 0)
    x, y = rng.randint(0, max(0, w - obj.width)), rng.randint(0, max(0, h - obj.height))
    pil.paste(obj, (x, y), mask)
    return pil


PAPER_TITLES = [
    ("TỜ KHAI ĐĂNG KÝ KHAI SINH", "to_khai_khai_sinh"),
    ("GIẤY ỦY QUYỀN", "giay_uy_quyen"),
    ("HỢP ĐỒNG THUÊ NHÀ Ở", "hop_dong_thue_nha"),
    ("TỜ KHAI ĐĂNG KÝ KẾT HÔN", "to_khai_ket_hon"),
    ("TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ", "to_khai_cu_tru"),
    ("GIẤY CHỨNG SINH", "giay_chung_sinh"),
    ("GIẤY BÁO TỬ", "giay_bao_tu"),
]


def paper_page(rng: random.Random, scale: float = 1.0, title: str | None = None) -> Image.Image:
    """An A4 form-like page with a Vietnamese title and body text (`title`: a given title, of a
    paper of no contract type, instead of one of PAPER_TITLES)."""
    from .cards import font

    W, H = int(1240 * scale), int(1754 * scale)
    pg = Image.new("RGB", (W, H), (rng.randint(240, 252),) * 3)
    d = ImageDraw.Draw(pg)
    picked = rng.choice(PAPER_TITLES)  # drawn either way: the rest of the page stays the same
    title, kind = (title, "other") if title else picked
    pg.info["doc_type"] = kind
    d.text(
        (W / 2, 60 * scale),
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        font=font(34 * scale, "b"),
        fill=(10, 10, 10),
        anchor="mt",
    )
    d.text(
        (W / 2, 110 * scale),
        "Độc lập - Tự do - Hạnh phúc",
        font=font(30 * scale, "b"),
        fill=(10, 10, 10),
        anchor="mt",
    )
    d.text((W / 2, 220 * scale), title, font=font(44 * scale, "b"), fill=(10, 10, 10), anchor="mt")
    words = [
        "Họ",
        "tên",
        "người",
        "khai",
        "ngày",
        "sinh",
        "nơi",
        "cư",
        "trú",
        "số",
        "định",
        "danh",
        "cá",
        "nhân",
        "quan",
        "hệ",
        "với",
        "người",
        "được",
        "đăng",
        "ký",
        "đề",
        "nghị",
        "cơ",
        "quan",
    ]
    y = 330 * scale
    while y < H - 150 * scale:
        line = " ".join(rng.choice(words) for _ in range(rng.randint(6, 12))) + ": ................"
        d.text((110 * scale, y), line, font=font(28 * scale), fill=(20, 20, 20))
        y += 62 * scale
    return pg


def photograph(
    flat: Image.Image | None,
    rng: random.Random,
    cls: str = "good",
    size: tuple[int, int] = (1600, 1200),
    doc: str = "card",
    variant: str | None = None,
    seed: int | None = None,
) -> tuple[Image.Image, dict]:
    """Photograph `flat` (a card or a page) onto a background with the defect of `cls`.
    variant: one of scenes.NOT_DOCUMENT or scenes.TOO_BRIGHT for those classes ("old": one of
    the kinds drawn before notdoc23; None: drawn from the seed).

    Returns the photo and {"quad": 4x2 corners in photo pixels or None, "cls": cls}.
    """
    w, h = size
    if cls == "too_small_image":
        w0 = rng.randint(280, 560)
        photo, info = photograph(flat, rng, "good", (w0 * 4, w0 * 3), doc)
        small = photo.resize((w0, w0 * 3 // 4), Image.LANCZOS)
        info["cls"] = cls
        return small, info
    # since notdoc23 about half of the overexposed photos take one of scenes.TOO_BRIGHT
    kinds = {"too_bright": scenes.TOO_BRIGHT, "not_document": scenes.NOT_DOCUMENT}.get(cls, ())
    # since verdict24, for seeds from scenes24.MIN_SEED on, about half of the far cards and of the
    # non-documents take one of scenes24's kinds (older seeds: as before)
    new24 = {"too_small_card": scenes24.SMALL, "not_document": scenes24.NOT_DOCUMENT}.get(cls, ())
    picked24 = (
        (variant if variant in new24 else None)
        if variant
        else scenes24.pick(rng, new24, seed)
        if new24
        else None
    )
    picked = (
        (variant if variant != "old" else None) if variant else scenes.pick(rng, kinds) if kinds else None
    )
    picked = picked24 or picked
    style = picked if cls == "too_bright" else None
    if cls == "not_document" and picked24:
        img, quad = scenes24.not_document(picked24, rng, w, h, background(rng, w, h)), None
    elif cls == "not_document":
        img = _not_document(rng, w, h, picked)
        quad = None
    else:
        img = background(rng, w, h)
        own = scenes.ground(style, rng, w, h) if style else None
        img = img if own is None else own
        aspect = flat.width / flat.height
        if doc == "paper":
            cw_frac = {"too_small_card": rng.uniform(0.12, 0.2)}.get(cls, rng.uniform(0.45, 0.6))
        else:
            cw_frac = {"too_small_card": rng.uniform(0.14, 0.27), "cropped": rng.uniform(0.55, 0.85)}.get(
                cls, rng.uniform(0.5, 0.88)
            )
        if picked24:  # a far card in a busier scene (verdict24)
            cw_frac = scenes24.card_width(rng, w, h, aspect)
        quad = _quad(rng, w, h, cw_frac, cls, aspect)
        if picked24 == "angle":
            quad = scenes24.steep(rng, quad, w, h)
        if picked24:
            img = scenes24.ground(picked24, rng, img, quad)
        # re-render so the card has about one source pixel per photo pixel
        src = flat
        target_w = float(np.linalg.norm(quad[1] - quad[0]))
        if src.width < target_w * 0.8 or src.width > target_w * 1.6:
            src = flat.resize((max(8, int(target_w)), max(8, int(target_w / aspect))), Image.LANCZOS)
        sw, sh = src.size
        M = cv2.getPerspectiveTransform(np.float32([[0, 0], [sw, 0], [sw, sh], [0, sh]]), quad)
        card = cv2.warpPerspective(np.asarray(src, np.float32), M, (w, h), flags=cv2.INTER_LINEAR)
        mask_src = np.asarray(cards.rounded_mask((sw, sh), 0.045 if doc == "card" else 0.0), np.float32) / 255
        mask = cv2.warpPerspective(mask_src, M, (w, h), flags=cv2.INTER_LINEAR)[..., None]
        # soft shadow under the card
        sh_mask = cv2.GaussianBlur(mask[..., 0], (0, 0), max(2.0, w / 300))[..., None]
        off = int(max(2, w / 250))
        sh_mask = np.pad(sh_mask, ((off, 0), (off, 0), (0, 0)))[:h, :w]
        img = img * (1 - 0.35 * sh_mask)
        img = img * (1 - mask) + card * mask
        if picked24:
            img = scenes24.over(picked24, rng, img, quad)
    # lighting: smooth gradient + exposure
    gx = np.linspace(rng.uniform(0.85, 1.0), rng.uniform(0.9, 1.0), w, dtype=np.float32)
    gy = np.linspace(rng.uniform(0.88, 1.0), rng.uniform(0.9, 1.0), h, dtype=np.float32)
    light = gy[:, None] * gx[None, :]
    gain = {"too_dark": rng.uniform(0.1, 0.27), "too_bright": rng.uniform(1.9, 3.0)}.get(
        cls, rng.uniform(0.8, 1.02)
    )
    img = img * (light * (1.0 if style else gain))[..., None]
    if style and quad is not None:
        img = scenes.overexpose(style, img, quad, rng)
    elif cls == "too_bright":
        if rng.random() < 0.5:
            img = img + rng.uniform(30, 80)
        else:  # the camera's tone curve rolls off into the highlights: the print lifts to grey
            img = img / gain * rng.uniform(1.9, 2.8)
            knee = rng.uniform(150, 200)
            over = np.maximum(0.0, img - knee)
            img = np.minimum(img, knee + over * rng.uniform(0.4, 0.8)) + rng.uniform(15, 45)
    if cls == "glare" and quad is not None:
        cxy = quad.mean(0) + (quad[rng.randrange(4)] - quad.mean(0)) * rng.uniform(0.0, 0.55)
        cw = float(np.linalg.norm(quad[1] - quad[0]))
        sx, sy = cw * rng.uniform(0.07, 0.16), cw * rng.uniform(0.05, 0.12)
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        blob = np.exp(-(((xx - cxy[0]) / sx) ** 2 + ((yy - cxy[1]) / sy) ** 2) / 2)
        img = img + (blob * rng.uniform(350, 600))[..., None]
    # optics: focus blur / hand shake
    scale = w / 1600
    card_w = float(np.linalg.norm(quad[1] - quad[0])) if quad is not None else w * 0.6
    if cls == "blurry":
        if rng.random() < 0.6:
            img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.0035, 0.008) * card_w)
        else:
            L = max(3, int(rng.uniform(0.012, 0.03) * card_w))
            k = np.zeros((L, L), np.float32)
            k[L // 2, :] = 1.0 / L
            Mr = cv2.getRotationMatrix2D((L / 2 - 0.5, L / 2 - 0.5), rng.uniform(0, 180), 1)
            k = cv2.warpAffine(k, Mr, (L, L))
            k /= k.sum()
            img = cv2.filter2D(img, -1, k)
    else:
        s = rng.uniform(0.3, 0.9) * scale
        img = cv2.GaussianBlur(img, (0, 0), s)
    nrng = np.random.default_rng(rng.randrange(1 << 30))
    sigma = rng.uniform(1.5, 4.5) if cls != "too_dark" else rng.uniform(1, 3)
    noise = nrng.standard_normal((h // 2 + 1, w // 2 + 1, 1), dtype=np.float32) * sigma
    noise = (
        cv2.resize(noise, (w, h), interpolation=cv2.INTER_NEAREST)[..., None] if noise.ndim == 3 else noise
    )
    if noise.ndim == 2:
        noise = noise[..., None]
    img = img + noise
    out = Image.fromarray(np.clip(img, 0, 255).astype(np.uint8))
    return out, {"quad": None if quad is None else quad.tolist(), "cls": cls, "variant": picked}


def to_jpeg(img: Image.Image, rng: random.Random, exif_orientation: int | None = None) -> bytes:
    buf = io.BytesIO()
    kw = {"quality": rng.randint(72, 94)}
    if exif_orientation:
        ex = Image.Exif()
        ex[0x0112] = exif_orientation
        kw["exif"] = ex.tobytes()
    img.save(buf, "JPEG", **kw)
    return buf.getvalue()
