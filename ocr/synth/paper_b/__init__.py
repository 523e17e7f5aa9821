"""paper_gen2: synthetic phone photos and PDFs of Vietnamese paper documents, with labels."""

import json
import os

import numpy as np
from PIL import Image

from . import forms, layout, photo

TYPES = list(forms.FORMS)
PROBLEMS = ["blurry", "too_dark", "too_bright", "glare", "cropped", "too_small", "not_document"]


def _build(r, typ, **kw):
    if typ == "other":
        return forms.OTHERS[int(r.integers(len(forms.OTHERS)))](r)
    return forms.FORMS[typ](r, **kw) if kw else forms.FORMS[typ](r)


def _save_jpg(img, path, r, lo=70, hi=96):
    Image.fromarray(img).save(path, "JPEG", quality=int(r.integers(lo, hi)))


def _rotate(r, img, p=0.15):
    """Sometimes the phone saved the picture sideways/upside down (no EXIF tag)."""
    if r.random() < p:
        return np.ascontiguousarray(np.rot90(img, int(r.integers(1, 4))))
    return img


def _page_render(doc, idx=0):
    size = (doc.W, doc.H)
    return lambda dpi: layout.render_pil(doc.pages[idx], size, dpi)


def make_pdf(r, typ, mode, path, dry=False):
    kw = {"members": int(r.integers(7, 12))} if typ == "to_khai_cu_tru" else {}
    doc = _build(r, typ, **kw)
    size = (doc.W, doc.H)
    if dry:
        return len(doc.pages)
    if mode == "text":
        layout.render_pdf(doc.pages, size, path, title=typ)
        return len(doc.pages)
    from fpdf import FPDF

    pdf = FPDF(unit="mm", format=size)
    pdf.set_auto_page_break(False)
    tmp = []
    for i in range(len(doc.pages)):
        if mode == "scan":
            im = np.asarray(layout.render_pil(doc.pages[i], size, 150).convert("RGB")).astype(np.float32)
            im = photo.paper_texture(r, im)
            h, w = im.shape[:2]
            import cv2

            M = cv2.getRotationMatrix2D((w / 2, h / 2), r.normal(0, 0.6), 1)
            im = cv2.warpAffine(im, M, (w, h), borderValue=(250, 250, 250))
            im = im + r.normal(0, 3, im.shape)
            im = np.clip(im, 0, 255).astype(np.uint8)
            if r.random() < 0.5:
                im = np.repeat(im.mean(2, keepdims=True).astype(np.uint8), 3, 2)
        else:  # a phone photo of each page placed on a PDF page
            im = photo.photograph(r, _page_render(doc, i), size, None, held=False)
        fn = path + ".p%d.jpg" % i
        Image.fromarray(im).save(fn, "JPEG", quality=85)
        tmp.append(fn)
        pdf.add_page()
        ih, iw = im.shape[:2]
        s = min(size[0] / iw, size[1] / ih)
        pdf.image(fn, x=(size[0] - iw * s) / 2, y=(size[1] - ih * s) / 2, w=iw * s, h=ih * s)
    pdf.output(path)
    for fn in tmp:
        os.remove(fn)
    return len(doc.pages)


def write_set(out_dir, seed=20261207, good=80, bad=30, pdfs=6, log=print, only=None, back=0, curled=0):
    """only: optional set of file names to (re)write; the others are skipped but labelled the same.
    back / curled: extra photos drawn from their own streams (see extra.py); with both at 0 the
    output is byte-identical to the generator before they were added."""
    os.makedirs(out_dir, exist_ok=True)
    master = np.random.default_rng(seed)
    labels = []
    # ---- good photos: every contract type in turn, plus ~10 % "other" ----------
    n_other = max(1, int(round(good * 0.1))) if good >= 10 else 0
    plan = [TYPES[i % len(TYPES)] for i in range(good - n_other)] + ["other"] * n_other
    master.shuffle(plan)
    for i, typ in enumerate(plan):
        r = np.random.default_rng(master.integers(1 << 62))
        fn = "good_%03d.jpg" % i
        if only is not None and fn not in only:
            labels.append({"file": fn, "type": typ, "pages": 1, "good": True, "problem": None})
            continue
        doc = _build(r, typ)
        img = photo.photograph(r, _page_render(doc), (doc.W, doc.H), None)
        img = _rotate(r, img)
        fn = "good_%03d.jpg" % i
        _save_jpg(img, os.path.join(out_dir, fn), r)
        labels.append({"file": fn, "type": typ, "pages": 1, "good": True, "problem": None})
        log("%s %s %dx%d" % (fn, typ, img.shape[1], img.shape[0]))
    # ---- bad photos: one problem each, classes in turn --------------------------
    bplan = [PROBLEMS[i % len(PROBLEMS)] for i in range(bad)]
    master.shuffle(bplan)
    for i, prob in enumerate(bplan):
        r = np.random.default_rng(master.integers(1 << 62))
        if prob == "not_document":
            typ = "other"
        else:
            typ = TYPES[int(r.integers(len(TYPES)))] if r.random() < 0.85 else "other"
        fn = "bad_%03d.jpg" % i
        if only is not None and fn not in only:
            labels.append({"file": fn, "type": typ, "pages": 1, "good": False, "problem": prob})
            continue
        if prob == "not_document":
            img = photo.not_document(r)
        else:
            doc = _build(r, typ)
            img = photo.photograph(r, _page_render(doc), (doc.W, doc.H), prob)
        img = _rotate(r, img, 0.1)
        fn = "bad_%03d.jpg" % i
        _save_jpg(img, os.path.join(out_dir, fn), r, 65, 95)
        labels.append({"file": fn, "type": typ, "pages": 1, "good": False, "problem": prob})
        log("%s %s %s %dx%d" % (fn, typ, prob, img.shape[1], img.shape[0]))
    # ---- PDFs --------------------------------------------------------------------
    specs = [
        ("hop_dong_thue_nha", "text"),
        ("giay_de_nghi_ho_kinh_doanh", "scan"),
        ("giay_uy_quyen", "text"),
        ("hop_dong_thue_nha", "photo"),
        ("to_khai_cu_tru", "text"),
        ("giay_de_nghi_ho_kinh_doanh", "text"),
        ("giay_uy_quyen", "scan"),
        ("hop_dong_thue_nha", "scan"),
    ]
    for i in range(pdfs):
        r = np.random.default_rng(master.integers(1 << 62))
        typ, mode = specs[i % len(specs)]
        fn = "doc_%03d.pdf" % i
        n = make_pdf(r, typ, mode, os.path.join(out_dir, fn), dry=only is not None and fn not in only)
        labels.append({"file": fn, "type": typ, "pages": n, "good": True, "problem": None})
        log("%s %s %s pages=%d" % (fn, typ, mode, n))
    labels += _write_backs(out_dir, seed, back, log, only)
    labels += _write_curled(out_dir, seed, curled, log, only)
    with open(os.path.join(out_dir, "labels.jsonl"), "w", encoding="utf-8") as f:
        for lab in labels:
            f.write(json.dumps(lab, ensure_ascii=False) + "\n")
    return labels


# ---- optional extras, each from its own stream: the rows above never change ---------
BACK_TYPES = TYPES + ["other", "other"]


def _write_backs(out_dir, seed, n, log, only):
    from . import extra

    master = np.random.default_rng(extra.sub_seed(seed, "back"))
    out = []
    for i in range(n):
        r = np.random.default_rng(master.integers(1 << 62))
        P = extra.plan_back(r)
        fn = "back_%03d.jpg" % i
        lab = {
            "file": fn,
            "type": "other",
            "pages": 1,
            "good": False,
            "problem": "not_document",
            "side": "back",
            "show_through": P["strength"],
        }
        out.append(lab)
        if only is not None and fn not in only:
            continue
        for _ in range(8):  # the front must be an A4 sheet (portrait or landscape)
            doc = _build(r, BACK_TYPES[int(r.integers(len(BACK_TYPES)))])
            if sorted((doc.W, doc.H)) == [210, 297]:
                break
        img = extra.shoot_back(r, doc, P)
        img = _rotate(r, img, 0.15)
        _save_jpg(img, os.path.join(out_dir, fn), r)
        log(
            "%s %s %s %.1f levels (%s, %d g/m2) %dx%d"
            % (
                fn,
                P["setting"],
                P["mirror"],
                P["levels"],
                P["strength"],
                P["gsm"],
                img.shape[1],
                img.shape[0],
            )
        )
    return out


def _write_curled(out_dir, seed, n, log, only):
    from . import extra

    master = np.random.default_rng(extra.sub_seed(seed, "curl"))
    off = int(master.integers(len(TYPES)))
    plan = [TYPES[(off + i) % len(TYPES)] for i in range(n)]
    master.shuffle(plan)
    out = []
    for i, typ in enumerate(plan):
        r = np.random.default_rng(master.integers(1 << 62))
        doc = _build(r, typ)
        P = extra.plan_curl(r, (doc.W, doc.H))
        setup = extra.setup_curl(r, (doc.W, doc.H), P)
        fn = "curl_%03d.jpg" % i
        out.append(
            {
                "file": fn,
                "type": typ,
                "pages": 1,
                "good": True,
                "problem": None,
                "curl": round(float(setup[4]), 4),
            }
        )
        if only is not None and fn not in only:
            continue
        img = extra.shoot_curl(r, doc, P, setup)
        img = _rotate(r, img)
        _save_jpg(img, os.path.join(out_dir, fn), r)
        log(
            "%s %s %s sag=%.3f lift=%.0fmm %dx%d"
            % (fn, typ, P["kind"], setup[4], setup[5], img.shape[1], img.shape[0])
        )
    return out
