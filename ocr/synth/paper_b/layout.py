"""A tiny page-description layer: a document is a list of pages, each a list of
drawing ops in millimetres.  Two back ends draw the same ops: PIL (raster, with
handwriting jitter) and fpdf2 (real PDF text)."""

import unicodedata
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

FD = "/usr/share/fonts/truetype/"
FONTS = {
    "times": {
        "": FD + "liberation2/LiberationSerif-Regular.ttf",
        "B": FD + "liberation2/LiberationSerif-Bold.ttf",
        "I": FD + "liberation2/LiberationSerif-Italic.ttf",
        "BI": FD + "liberation2/LiberationSerif-BoldItalic.ttf",
    },
    "dejaserif": {
        "": FD + "dejavu/DejaVuSerif.ttf",
        "B": FD + "dejavu/DejaVuSerif-Bold.ttf",
        "I": FD + "dejavu/DejaVuSerif-Italic.ttf",
        "BI": FD + "dejavu/DejaVuSerif-BoldItalic.ttf",
    },
    "notoserif": {
        "": FD + "noto/NotoSerif-Regular.ttf",
        "B": FD + "noto/NotoSerif-Bold.ttf",
        "I": FD + "noto/NotoSerif-Italic.ttf",
        "BI": FD + "noto/NotoSerif-BoldItalic.ttf",
    },
    "dejasans": {
        "": FD + "dejavu/DejaVuSans.ttf",
        "B": FD + "dejavu/DejaVuSans-Bold.ttf",
        "I": FD + "dejavu/DejaVuSans-Oblique.ttf",
        "BI": FD + "dejavu/DejaVuSans-BoldOblique.ttf",
    },
    "arial": {
        "": FD + "liberation2/LiberationSans-Regular.ttf",
        "B": FD + "liberation2/LiberationSans-Bold.ttf",
        "I": FD + "liberation2/LiberationSans-Italic.ttf",
        "BI": FD + "liberation2/LiberationSans-BoldItalic.ttf",
    },
    "roboto": {
        "": FD + "roboto/unhinted/RobotoTTF/Roboto-Regular.ttf",
        "B": FD + "roboto/unhinted/RobotoTTF/Roboto-Bold.ttf",
        "I": FD + "roboto/unhinted/RobotoTTF/Roboto-Italic.ttf",
        "BI": FD + "roboto/unhinted/RobotoTTF/Roboto-BoldItalic.ttf",
    },
}
HAND_FONTS = [
    FD + "dejavu/DejaVuSerif-Italic.ttf",
    FD + "liberation2/LiberationSerif-Italic.ttf",
    FD + "noto/NotoSerif-Italic.ttf",
    FD + "open-sans/OpenSans-Italic.ttf",
    FD + "open-sans/OpenSans-LightItalic.ttf",
    FD + "roboto/unhinted/RobotoTTF/Roboto-Italic.ttf",
    FD + "roboto/unhinted/RobotoCondensed-Italic.ttf",
    FD + "dejavu/DejaVuSans-Oblique.ttf",
    FD + "roboto/unhinted/RobotoTTF/Roboto-LightItalic.ttf",
]
PT = 0.3528  # mm per point
BLACK = (20, 20, 20)
RED = (200, 30, 40)


def nfc(s):
    return unicodedata.normalize("NFC", s)


@lru_cache(maxsize=256)
def _font(path, px):
    return ImageFont.truetype(path, max(4, int(px)))


def font_path(family, style):
    if family == "hand":
        return style  # style holds the path for hand fonts
    return FONTS[family][style]


def text_width(s, size, family, style=""):
    f = _font(font_path(family, style), 200)
    return f.getlength(nfc(s)) / 200.0 * size * PT


class Doc:
    def __init__(
        self,
        rng,
        size=(210, 297),
        margins=(25, 18, 18, 18),
        family="times",
        hand_font=None,
        ink=(25, 45, 150),
        fill="hand",
    ):
        self.rng = rng
        self.W, self.H = size
        self.ml, self.mt, self.mr, self.mb = margins
        self.family = family
        self.hand_font = hand_font or HAND_FONTS[rng.integers(len(HAND_FONTS))]
        self.ink = ink
        self.fill = fill  # 'hand' or 'typed'
        self.pages = []
        self.newpage()

    # --- low level -------------------------------------------------------
    def newpage(self):
        self.ops = []
        self.pages.append(self.ops)
        self.y = self.mt

    def ensure(self, h):
        if self.y + h > self.H - self.mb:
            self.newpage()

    def text(self, x, y, s, size=12, style="", color=BLACK, align="l", hand=False, family=None):
        s = nfc(s)
        if hand:
            fam, st = "hand", self.hand_font
        else:
            fam, st = family or self.family, style
        self.ops.append(("text", x, y, s, size, fam, st, color, align, hand, int(self.rng.integers(1 << 30))))
        return text_width(s, size, fam, st)

    def line(self, x1, y1, x2, y2, w=0.25, color=BLACK):
        self.ops.append(("line", x1, y1, x2, y2, w, color))

    def dots(self, x1, x2, y, color=(60, 60, 60)):
        if x2 - x1 > 2:
            self.ops.append(("dots", x1, x2, y, color))

    def rect(self, x, y, w, h, lw=0.25, color=BLACK):
        self.ops.append(("rect", x, y, w, h, lw, color))

    def circle(self, cx, cy, r, lw=0.4, color=RED):
        self.ops.append(("circle", cx, cy, r, lw, color))

    def poly(self, pts, lw=0.4, color=None):
        self.ops.append(("poly", pts, lw, color or self.ink))

    def width(self, s, size=12, style=""):
        return text_width(s, size, self.family, style)

    # --- flow helpers ----------------------------------------------------
    @property
    def x0(self):
        return self.ml

    @property
    def x1(self):
        return self.W - self.mr

    def gap(self, mm):
        self.y += mm

    def center(self, s, size=13, style="B", color=BLACK, underline=False, x=None):
        self.ensure(size * PT * 1.6)
        self.y += size * PT * 1.15
        cx = x if x is not None else (self.x0 + self.x1) / 2
        w = self.text(cx, self.y, s, size, style, color, align="c")
        if underline:
            self.line(cx - w * 0.3, self.y + 1.2, cx + w * 0.3, self.y + 1.2, 0.3)
        self.y += size * PT * 0.45

    def national_header(self, left=None, size=12, right_date=None, centered=False):
        """Left: issuing body (two lines, second bold); right: national motto."""
        top = self.y
        colL = self.x0 + (self.x1 - self.x0) * 0.2
        colR = self.x0 + (self.x1 - self.x0) * (0.5 if centered and not left else 0.66)
        if left:
            yy = top
            for i, ln in enumerate(left):
                yy += size * PT * 1.3
                st = "B" if i == len(left) - 1 else ""
                sz = size - 0.5
                lim = (self.x1 - self.x0) * 0.4
                tw = self.width(ln, sz, st)
                if tw > lim:
                    sz = sz * lim / tw
                w = self.text(colL, yy, ln, sz, st, align="c")
            self.line(colL - w * 0.25, yy + 1.3, colL + w * 0.25, yy + 1.3, 0.3)
        yy = top + size * PT * 1.3
        self.text(colR, yy, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", size - 0.5, "B", align="c")
        yy += size * PT * 1.35
        w = self.text(colR, yy, "Độc lập - Tự do - Hạnh phúc", size, "B", align="c")
        self.line(colR - w / 2, yy + 1.4, colR + w / 2, yy + 1.4, 0.3)
        yy2 = yy
        if right_date:
            yy2 += size * PT * 2.0
            self.text(colR, yy2, right_date, size - 0.5, "I", align="c")
        self.y = max(yy2, top + (len(left or []) * size * PT * 1.3)) + 5

    def para(self, s, size=12, style="", indent=8, lh=1.45, x0=None, x1=None, color=BLACK, hand=False):
        x0 = self.x0 if x0 is None else x0
        x1 = self.x1 if x1 is None else x1
        words = nfc(s).split()
        line, first = [], True
        fam = "hand" if hand else self.family
        st = self.hand_font if hand else style

        def flush(ws, last):
            nonlocal first
            self.ensure(size * PT * lh)
            self.y += size * PT * lh
            xs = x0 + (indent if first else 0)
            self.text(xs, self.y, " ".join(ws), size, style, color, hand=hand)
            first = False

        for w in words:
            trial = " ".join(line + [w])
            avail = x1 - x0 - (indent if first else 0)
            if line and text_width(trial, size, fam, st) > avail:
                flush(line, False)
                line = [w]
            else:
                line.append(w)
        if line:
            flush(line, True)
        self.y += size * PT * 0.3

    def value(self, x, y, s, size, maxw=None, bold=False):
        """A filled-in value, handwritten or typed according to self.fill."""
        if not s:
            return 0
        hand = self.fill == "hand"
        sz = size + (1.0 if hand else 0)
        fam = "hand" if hand else self.family
        st = self.hand_font if hand else ("B" if bold else "")
        if maxw:
            w = text_width(s, sz, fam, st)
            if w * 1.06 > maxw:
                sz = sz * maxw / (w * 1.06)
        color = self.ink if hand else BLACK
        return self.text(
            x, y - (0.4 if hand else 0), s, sz, "B" if (bold and not hand) else "", color, hand=hand
        )

    def fields(self, items, size=12, lh=1.75, dotted=True):
        """One line with one or more 'Label: value' cells.  items: (label, value, frac)."""
        self.ensure(size * PT * lh)
        self.y += size * PT * lh
        x = self.x0
        tot = self.x1 - self.x0
        for label, val, frac in items:
            cw = tot * frac
            lw = self.text(x, self.y, label, size)
            vx = x + lw + 1.2
            if dotted and (self.fill == "hand" or self.rng.random() < 0.6):
                self.dots(vx, x + cw - 1.5, self.y + 0.3)
            self.value(vx + 1, self.y, val, size, maxw=x + cw - vx - 3)
            x += cw

    def field(self, label, val, size=12, **kw):
        self.fields([(label, val, 1.0)], size, **kw)

    def blank_lines(self, n, size=12, vals=()):
        for i in range(n):
            self.ensure(size * PT * 1.75)
            self.y += size * PT * 1.75
            self.dots(self.x0, self.x1, self.y + 0.3)
            if i < len(vals):
                self.value(self.x0 + 2, self.y, vals[i], size, maxw=self.x1 - self.x0 - 4)

    def table(self, headers, rows, widths, size=10.5, hdr_h=None, row_h=None, hand_rows=True):
        tot = self.x1 - self.x0
        ws = [tot * w / sum(widths) for w in widths]
        hdr_h = hdr_h or size * PT * 3.2
        row_h = row_h or size * PT * 2.2
        self.ensure(hdr_h + row_h * min(2, len(rows)))
        y = self.y + 1
        x = self.x0
        for h, w in zip(headers, ws):
            self.rect(x, y, w, hdr_h, 0.25)
            parts = self._wrap(h, size, "B", w - 2)
            yy = y + (hdr_h - len(parts) * size * PT * 1.2) / 2
            for p in parts:
                yy += size * PT * 1.2
                self.text(x + w / 2, yy - 0.8, p, size, "B", align="c")
            x += w
        y += hdr_h
        for r in rows:
            if y + row_h > self.H - self.mb:
                self.newpage()
                y = self.y + 1
            x = self.x0
            for _j, (c, w) in enumerate(zip(r, ws)):
                self.rect(x, y, w, row_h, 0.25)
                if c:
                    if hand_rows and self.fill == "hand":
                        self.value(x + 1.5, y + row_h * 0.68, str(c), size, maxw=w - 3)
                    else:
                        sz = size
                        tw = text_width(str(c), sz, self.family)
                        if tw > w - 3:
                            sz = sz * (w - 3) / tw
                        self.text(x + 1.5, y + row_h * 0.68, str(c), sz)
                x += w
            y += row_h
        self.y = y + 2

    def _wrap(self, s, size, style, maxw):
        out, cur = [], []
        for w in nfc(s).split():
            t = " ".join(cur + [w])
            if cur and text_width(t, size, self.family, style) > maxw:
                out.append(" ".join(cur))
                cur = [w]
            else:
                cur.append(w)
        if cur:
            out.append(" ".join(cur))
        return out

    def signature(self, cx, y, w=28):
        """A random scribble centred at cx around baseline y."""
        r = self.rng
        n = int(r.integers(10, 22))
        pts = []
        x = cx - w / 2
        for _i in range(n):
            x += w / n * (0.6 + r.random() * 0.8)
            pts.append((x, y + r.normal(0, 2.5)))
        pts = [(cx - w / 2 - 2, y + 1)] + pts + [(pts[-1][0] + 4, y - 3)]
        self.poly(pts, 0.35 + r.random() * 0.2)

    def sign_blocks(self, blocks, size=12, place_date=None, names=None, sign=None, stamp=None):
        """blocks: list of (TITLE, note). Each in its own column."""
        n = len(blocks)
        tot = self.x1 - self.x0
        need = 42
        self.ensure(need + (8 if place_date else 0))
        if place_date:
            self.y += size * PT * 1.6
            cx = self.x0 + tot * (n - 0.5) / n if n > 1 else self.x0 + tot * 0.68
            self.text(cx, self.y, place_date, size - 0.5, "I", align="c")
        top = self.y
        bottom = top + 40
        for i, (title, note) in enumerate(blocks):
            cx = self.x0 + tot * (i + 0.5) / n if n > 1 else self.x0 + tot * 0.68
            yy = top
            for part in self._wrap(title, size - 0.5, "B", tot / n - 4):
                yy += size * PT * 1.35
                self.text(cx, yy, part, size - 0.5, "B", align="c")
            if note:
                for part in self._wrap(note, size - 1.5, "I", tot / n - 4):
                    yy += size * PT * 1.25
                    self.text(cx, yy, part, size - 1.5, "I", align="c")
            if sign is None or sign[i]:
                self.signature(cx, yy + 14)
                if stamp and stamp[i]:
                    self.stamp(cx - 8, yy + 12, stamp[i])
            if names and names[i]:
                self.text(
                    cx,
                    yy + 27,
                    names[i],
                    size,
                    "B" if self.fill == "typed" else "",
                    self.ink if self.fill == "hand" else BLACK,
                    align="c",
                    hand=self.fill == "hand",
                )
            bottom = max(bottom, yy + 31)
        self.y = bottom

    def stamp(self, cx, cy, txt, r=16):
        col = (205, 35, 45)
        self.circle(cx, cy, r, 0.6, col)
        self.circle(cx, cy, r - 3, 0.35, col)
        self.text(cx, cy + 1.2, "★", 10, color=col, align="c", family="dejasans")
        self.text(cx, cy - 5, txt[:22], 5.5, "B", col, align="c")
        self.text(cx, cy + 7, txt[22:44], 5.5, "B", col, align="c")


# --------------------------------------------------------------------------
# PIL back end
def render_pil(ops, size_mm, dpi, paper=(255, 255, 255), seed=0):
    import numpy as np

    s = dpi / 25.4
    W, H = int(round(size_mm[0] * s)), int(round(size_mm[1] * s))
    im = Image.new("RGB", (W, H), paper)
    dr = ImageDraw.Draw(im)
    for op in ops:
        k = op[0]
        if k == "text":
            _, x, y, txt, size, fam, st, color, align, hand, sd = op
            px = size * PT * s
            path = font_path(fam, st)
            if not hand:
                f = _font(path, round(px))
                anchor = {"l": "ls", "c": "ms", "r": "rs"}[align]
                dr.text((x * s, y * s), txt, font=f, fill=color, anchor=anchor)
            else:
                rng = np.random.default_rng(sd)
                f = _font(path, round(px))
                total = f.getlength(txt)
                cx = x * s - (total / 2 if align == "c" else total if align == "r" else 0)
                slope = rng.normal(0, 0.012)
                base = y * s
                cy = base
                for ch in txt:
                    cpx = px * (1 + rng.normal(0, 0.04))
                    fc = _font(path, round(cpx))
                    cy = base + (cx - x * s) * slope + rng.normal(0, px * 0.025)
                    col = tuple(int(min(255, max(0, c + rng.normal(0, 8)))) for c in color)
                    dr.text((cx, cy), ch, font=fc, fill=col, anchor="ls")
                    if rng.random() < 0.5:  # slightly heavier stroke, like a ballpoint
                        dr.text((cx + 0.35, cy), ch, font=fc, fill=col, anchor="ls")
                    cx += fc.getlength(ch) * (1.0 + rng.normal(0.0, 0.02))
        elif k == "line":
            _, x1, y1, x2, y2, w, color = op
            dr.line([(x1 * s, y1 * s), (x2 * s, y2 * s)], fill=color, width=max(1, round(w * s)))
        elif k == "dots":
            _, x1, x2, y, color = op
            step = 1.0 * s
            r = max(0.5, 0.13 * s)
            xx = x1 * s
            while xx < x2 * s:
                dr.ellipse([xx - r, y * s - r, xx + r, y * s + r], fill=color)
                xx += step
        elif k == "rect":
            _, x, y, w, h, lw, color = op
            dr.rectangle([x * s, y * s, (x + w) * s, (y + h) * s], outline=color, width=max(1, round(lw * s)))
        elif k == "circle":
            _, cx, cy, r, lw, color = op
            dr.ellipse(
                [(cx - r) * s, (cy - r) * s, (cx + r) * s, (cy + r) * s],
                outline=color,
                width=max(1, round(lw * s)),
            )
        elif k == "poly":
            _, pts, lw, color = op
            dr.line(
                [(px * s, py * s) for px, py in pts], fill=color, width=max(1, round(lw * s)), joint="curve"
            )
    return im


# --------------------------------------------------------------------------
# fpdf2 back end
def render_pdf(pages, size_mm, path, title="document"):
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format=size_mm)
    pdf.set_auto_page_break(False)
    pdf.set_title(title)
    fams = {}

    def setfont(fam, st, size):
        key = (fam, st)
        if key not in fams:
            name = "F%d" % len(fams)
            pdf.add_font(name, "", font_path(fam, st))
            fams[key] = name
        pdf.set_font(fams[key], size=size)

    for ops in pages:
        pdf.add_page()
        for op in ops:
            k = op[0]
            if k == "text":
                _, x, y, txt, size, fam, st, color, align, hand, sd = op
                setfont(fam, st, size)
                pdf.set_text_color(*color)
                w = pdf.get_string_width(txt)
                xx = x - (w / 2 if align == "c" else w if align == "r" else 0)
                pdf.text(xx, y, txt)
            elif k == "line":
                _, x1, y1, x2, y2, w, color = op
                pdf.set_draw_color(*color)
                pdf.set_line_width(w)
                pdf.line(x1, y1, x2, y2)
            elif k == "dots":
                _, x1, x2, y, color = op
                pdf.set_draw_color(*color)
                pdf.set_line_width(0.25)
                pdf.set_dash_pattern(dash=0.25, gap=0.75)
                pdf.line(x1, y, x2, y)
                pdf.set_dash_pattern()
            elif k == "rect":
                _, x, y, w, h, lw, color = op
                pdf.set_draw_color(*color)
                pdf.set_line_width(lw)
                pdf.rect(x, y, w, h)
            elif k == "circle":
                _, cx, cy, r, lw, color = op
                pdf.set_draw_color(*color)
                pdf.set_line_width(lw)
                pdf.ellipse(cx - r, cy - r, 2 * r, 2 * r)
            elif k == "poly":
                _, pts, lw, color = op
                pdf.set_draw_color(*color)
                pdf.set_line_width(lw)
                pdf.polyline(pts)
    pdf.output(path)
