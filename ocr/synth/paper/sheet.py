"""A whole sheet bent in 3-D as a phone 33-48 cm away sees it (curlq22): its outline bends with
its print (the lifted part comes nearer the lens: it grows and moves), with the shading of a bend
(a lit ridge along the fold, a darker trough). Test and benchmark code only."""

from __future__ import annotations

import random

import cv2
import numpy as np

SHAPES = ("lift", "middle", "sides")  # one edge lifted, the middle raised, both side edges up


def _height(u: np.ndarray, shape: str, rng: random.Random) -> tuple[np.ndarray, float]:
    """The lift 0..1 across the bend (u 0..1) and where its ridge (or fold) lies."""
    if shape == "lift":
        u0 = rng.uniform(0.3, 0.6)
        return np.clip((u - u0) / (1 - u0), 0, None) ** 2, u0
    if shape == "middle":
        c = rng.uniform(0.4, 0.6)
        return np.clip(np.cos(np.pi * (u - c) / 1.2), 0, None) ** 1.5, c
    c = rng.uniform(0.45, 0.55)  # both side edges up: the trough in the middle, lit near the sides
    z = ((u - c) / max(c, 1 - c)) ** 2
    return z, rng.choice([0.15, 0.85])


def bend_sheet(
    src: np.ndarray, amount: float, shape: str, rng: random.Random
) -> tuple[np.ndarray, np.ndarray, int]:
    """(the bent page on a canvas padded by `pad` px on each side, its mask 0..1, pad). The
    outline's sag is `amount` × the page's height; the bend runs across the page's width (a
    binder's page) or, in one of four, across its height."""
    across = rng.random() < 0.75
    page = src if across else np.ascontiguousarray(src.transpose(1, 0, 2))
    if rng.random() < 0.5:
        page = np.ascontiguousarray(page[:, ::-1])
        flip = True
    else:
        flip = False
    h, w = page.shape[:2]
    sag = amount * (h if across else w)  # in the page's own height
    pad = int(np.ceil(2.2 * sag)) + 4
    H, W = h + 2 * pad, w + 2 * pad
    yy, xx = np.mgrid[0:H, 0:W].astype(np.float32)
    u = np.clip((xx - pad) / w, 0, 1)
    v = (yy - pad) / h
    z, ridge = _height(u, shape, rng)
    # nearer the lens: the lifted part grows about the page's centre and moves with the view's tilt
    grow = rng.uniform(0.6, 1.0)
    shift = rng.choice([-1, 1]) * rng.uniform(0.3, 0.7)
    dy = sag * z * (grow * 2 * (v - 0.5) + shift)
    dx = -sag * z * rng.uniform(0.2, 0.5) * np.sign(u - 0.5)  # foreshortened where it turns away
    mapx = (xx - dx).astype(np.float32)
    mapy = (yy - dy).astype(np.float32)
    padded = cv2.copyMakeBorder(page, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    ones = cv2.copyMakeBorder(np.ones((h, w), np.float32), pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=0)
    out = cv2.remap(padded, mapx, mapy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    mask = cv2.remap(ones, mapx, mapy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    # shading: the slope facing the light is lighter, the other darker; a lit ridge along the
    # fold (a long, thin, bright band the print stays readable in) and a darker trough
    slope = np.gradient(z, axis=1) * w
    shade = 1.0 + rng.uniform(0.1, 0.25) * np.tanh(slope * rng.choice([-1, 1]))
    bw = rng.uniform(0.02, 0.05)
    band = np.exp(-(((u - ridge) / bw) ** 2) / 2)
    gain = rng.uniform(0.25, 0.45)
    trough = 1.0 - rng.uniform(0.1, 0.25) * (1 - z) * (shape != "lift")
    out = out * (shade * trough * (1 + gain * band))[..., None] + (band * rng.uniform(15, 45))[..., None]
    if flip:
        out, mask = np.ascontiguousarray(out[:, ::-1]), np.ascontiguousarray(mask[:, ::-1])
    if not across:
        out, mask = np.ascontiguousarray(out.transpose(1, 0, 2)), np.ascontiguousarray(mask.T)
    return out.astype(np.float32), mask.astype(np.float32), pad
