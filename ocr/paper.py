"""Paper documents: the type of a page from its title (the top of the upright page)."""

from __future__ import annotations

import re
import time

import cv2
import numpy as np

from . import card as cardmod
from . import tess
from .read import _prep, pool
from .values import _fold

# (folded title keywords, type) — most specific first
PAPER_TYPES = [
    (("TO KHAI", "KHAI SINH"), "to_khai_khai_sinh"),
    (("TO KHAI", "KHAI TU"), "to_khai_khai_tu"),
    (("TO KHAI", "KET HON"), "to_khai_ket_hon"),
    (("CU TRU",), "to_khai_cu_tru"),
    (("CT01",), "to_khai_cu_tru"),
    (("CHUNG NHAN KET HON",), "giay_chung_nhan_ket_hon"),
    (("CHUNG SINH",), "giay_chung_sinh"),
    (("BAO TU",), "giay_bao_tu"),
    (("UY QUYEN",), "giay_uy_quyen"),
    (("HOP DONG", "THUE"), "hop_dong_thue_nha"),
    (("HO KINH DOANH",), "giay_de_nghi_ho_kinh_doanh"),
    (("GIAY KHAI SINH",), "giay_khai_sinh"),
]


def paper_type(text: str) -> str:
    t = re.sub(r"\s+", " ", _fold(text).upper())
    for keys, kind in PAPER_TYPES:
        if all(k in t for k in keys):
            return kind
    return "other"


def _text_axis_ok(gray: np.ndarray) -> bool:
    """True when the text lines run horizontally (rows vary more than columns)."""
    _, ink = cv2.threshold(gray, 0, 1, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    return float(ink.mean(1).std()) >= float(ink.mean(0).std())


def read_paper(rgb: np.ndarray, quad) -> tuple[dict, dict]:
    """Type of a paper document from its title (the top of the upright page)."""
    t0 = time.perf_counter()
    if quad is not None:
        page = cardmod.warp(rgb, np.asarray(quad, np.float32), (1414, 1000))  # landscape as found
    else:
        page = rgb
    g = cv2.cvtColor(page, cv2.COLOR_RGB2GRAY)
    small = cv2.resize(g, (400, max(1, int(400 * g.shape[0] / g.shape[1]))), interpolation=cv2.INTER_AREA)
    if not _text_axis_ok(small):
        g = np.ascontiguousarray(np.rot90(g))
    H, W = g.shape
    k = 1000 / W
    g = cv2.resize(g, (1000, max(1, int(H * k))), interpolation=cv2.INTER_AREA)
    H = g.shape[0]
    kind = "other"
    texts = []
    for flip in (False, True):
        gg = g[::-1, ::-1] if flip else g
        band = np.ascontiguousarray(gg[: int(H * 0.22)])
        text, _ = pool().submit(tess.ocr, _prep(band), 6).result()
        texts.append(text)
        kind = paper_type(text)
        if kind != "other":
            break
    doc = {"type": kind, "fields": {}, "sources": {}, "confidence": {}, "checks": {}}
    if kind != "other":
        doc["confidence"]["type"] = 0.9
    return doc, {"read": round((time.perf_counter() - t0) * 1000, 1)}
