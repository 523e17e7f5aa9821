"""Tesseract for one text line at a time.

Uses libtesseract's C API through ctypes (one engine per thread, the `vie` model loaded once:
no process start and model load per crop, and the GIL is released while it runs, so crops are
read in parallel across cores). Falls back to pytesseract (one `tesseract` process per crop)
when the library cannot be loaded. OMP_THREAD_LIMIT=1 either way: we parallelise over crops.
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import os
import threading

import numpy as np

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

_lib = None
_lib_lock = threading.Lock()
_local = threading.local()
_all_apis: list = []
LANG = "vie"


def _load():
    global _lib
    with _lib_lock:
        if _lib is not None:
            return _lib or None
        for name in ("libtesseract.so.5", ctypes.util.find_library("tesseract") or "", "libtesseract.so.4"):
            if not name:
                continue
            try:
                lib = ctypes.CDLL(name)
                break
            except OSError:
                continue
        else:
            _lib = False
            return None
        lib.TessBaseAPICreate.restype = ctypes.c_void_p
        lib.TessBaseAPIInit3.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        lib.TessBaseAPIInit3.restype = ctypes.c_int
        lib.TessBaseAPISetPageSegMode.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.TessBaseAPISetVariable.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
        lib.TessBaseAPISetVariable.restype = ctypes.c_int
        lib.TessBaseAPISetImage.argtypes = [
            ctypes.c_void_p,
            ctypes.c_void_p,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_int,
        ]
        lib.TessBaseAPISetSourceResolution.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.TessBaseAPIGetUTF8Text.argtypes = [ctypes.c_void_p]
        lib.TessBaseAPIGetUTF8Text.restype = ctypes.c_void_p
        lib.TessDeleteText.argtypes = [ctypes.c_void_p]
        lib.TessBaseAPIMeanTextConf.argtypes = [ctypes.c_void_p]
        lib.TessBaseAPIMeanTextConf.restype = ctypes.c_int
        lib.TessBaseAPIClear.argtypes = [ctypes.c_void_p]
        lib.TessBaseAPIGetTsvText.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.TessBaseAPIGetTsvText.restype = ctypes.c_void_p
        _lib = lib
        return lib


def _api(lang: str):
    apis = getattr(_local, "apis", None)
    if apis is None:
        apis = _local.apis = {}
    if lang not in apis:
        lib = _load()
        h = lib.TessBaseAPICreate()
        if lib.TessBaseAPIInit3(h, None, lang.encode()) != 0:
            raise RuntimeError(f"tesseract: cannot load language {lang}")
        apis[lang] = h
        with _lib_lock:
            _all_apis.append(h)
    return apis[lang]


@atexit.register
def _shutdown() -> None:  # free the engines so tesseract does not warn about leaks at exit
    lib = _lib or None
    if lib is None:
        return
    for h in _all_apis:
        try:
            lib.TessBaseAPIEnd(ctypes.c_void_p(h))
            lib.TessBaseAPIDelete(ctypes.c_void_p(h))
        except Exception:
            pass
    _all_apis.clear()


def _recognise(lib, gray: np.ndarray, psm: int, whitelist: str, lang: str):
    """Run the engine of this thread on a grey image; the caller reads the result, then clears."""
    h = _api(lang)
    lib.TessBaseAPISetPageSegMode(h, psm)
    lib.TessBaseAPISetVariable(h, b"tessedit_char_whitelist", whitelist.encode())
    H, W = gray.shape
    lib.TessBaseAPISetImage(h, gray.ctypes.data, W, H, 1, W)
    lib.TessBaseAPISetSourceResolution(h, 300)
    return h


def _take_text(lib, p) -> str:
    text = ctypes.string_at(p).decode("utf-8", "replace") if p else ""
    if p:
        lib.TessDeleteText(p)
    return text


def ocr(gray: np.ndarray, psm: int = 7, whitelist: str = "", lang: str = LANG) -> tuple[str, float]:
    """Text and mean confidence (0..1) of a grey uint8 image."""
    gray = np.ascontiguousarray(gray, dtype=np.uint8)
    lib = _load()
    if lib is None:
        return _ocr_cli(gray, psm, whitelist, lang)
    h = _recognise(lib, gray, psm, whitelist, lang)
    text = _take_text(lib, lib.TessBaseAPIGetUTF8Text(h))
    conf = lib.TessBaseAPIMeanTextConf(h) / 100.0
    lib.TessBaseAPIClear(h)
    return text.strip(), max(0.0, conf)


def words(gray: np.ndarray, psm: int = 7, whitelist: str = "", lang: str = LANG) -> list[dict]:
    """Words with boxes (like pytesseract's image_to_data): [{"text", "conf", "x0", "y0", "x1", "y1"}]."""
    gray = np.ascontiguousarray(gray, dtype=np.uint8)
    lib = _load()
    if lib is None:
        return _words_cli(gray, psm, whitelist, lang)
    h = _recognise(lib, gray, psm, whitelist, lang)
    tsv = _take_text(lib, lib.TessBaseAPIGetTsvText(h, 0))
    lib.TessBaseAPIClear(h)
    return _parse_tsv(tsv.splitlines())


def _parse_tsv(rows) -> list[dict]:
    out = []
    for row in rows:
        c = row.split("\t")
        if len(c) < 12 or c[0] != "5" or not c[11].strip():
            continue
        x, y, w, h = (int(v) for v in c[6:10])
        out.append(
            {
                "text": c[11].strip(),
                "conf": max(0.0, float(c[10]) / 100),
                "x0": x,
                "y0": y,
                "x1": x + w,
                "y1": y + h,
            }
        )
    return out


def _words_cli(gray: np.ndarray, psm: int, whitelist: str, lang: str) -> list[dict]:
    import pytesseract
    from PIL import Image

    cfg = f"--psm {psm}" + (f" -c tessedit_char_whitelist={whitelist}" if whitelist else "")
    tsv = pytesseract.image_to_data(Image.fromarray(gray), lang=lang, config=cfg)
    return _parse_tsv(tsv.splitlines()[1:])


def _ocr_cli(gray: np.ndarray, psm: int, whitelist: str, lang: str) -> tuple[str, float]:
    import pytesseract
    from PIL import Image

    cfg = f"--psm {psm}" + (f" -c tessedit_char_whitelist={whitelist}" if whitelist else "")
    d = pytesseract.image_to_data(
        Image.fromarray(gray), lang=lang, config=cfg, output_type=pytesseract.Output.DICT
    )
    words = [(w, float(c)) for w, c in zip(d["text"], d["conf"]) if str(w).strip()]
    if not words:
        return "", 0.0
    return " ".join(w for w, _ in words), sum(c for _, c in words) / len(words) / 100.0
