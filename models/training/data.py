"""Training data (synthetic + augmented real US crops) and the dev-crop evaluation set."""
from __future__ import annotations

import csv
import json
import os
import random
import re
from multiprocessing import get_context

import numpy as np
from PIL import Image

import render

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
SHARED = os.environ.get("PLATEWISE_SHARED", os.path.normpath(os.path.join(REPO, "..", "shared")))
CROPS_DIR = os.path.join(SHARED, "alpr-crops-us")
DEV_DIR = os.path.join(SHARED, "alpr-dev")
OUT_SIZE = (128, 32)  # W, H


def clean_text(t: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", t.upper())


def load_real_crops(crops_dir: str = CROPS_DIR):
    """(path, text) of the labelled US crops usable for CTC (2-10 characters)."""
    out = []
    with open(os.path.join(crops_dir, "labels.csv"), newline="") as f:
        for row in csv.DictReader(f):
            t = clean_text(row["plate"])
            if 2 <= len(t) <= 10:
                out.append((os.path.join(crops_dir, row["image"]), t))
    return out


# --- chunk workers (module level so multiprocessing can pickle them) -------------------------
def _synth_chunk(args):
    seed, n, two_row_frac = args
    rng = random.Random(seed)
    xs = np.zeros((n, OUT_SIZE[1], OUT_SIZE[0]), np.uint8)
    ys = []
    for i in range(n):
        plate, text = render.render_plate(rng, two_row_frac=two_row_frac)
        xs[i] = render.to_input(render.augment_scene(rng, plate, out_size=OUT_SIZE), OUT_SIZE)
        ys.append(text)
    return xs, ys


def _real_chunk(args):
    seed, items = args
    rng = random.Random(seed)
    xs = np.zeros((len(items), OUT_SIZE[1], OUT_SIZE[0]), np.uint8)
    ys = []
    cache = {}
    for i, (path, text) in enumerate(items):
        im = cache.get(path)
        if im is None:
            im = cache[path] = Image.open(path).convert("RGB")
        # the crops are tight: treat the whole crop as the plate box
        xs[i] = render.to_input(render.augment_scene(rng, im, strength=rng.uniform(0.5, 1.0), out_size=OUT_SIZE),
                                OUT_SIZE)
        ys.append(text)
    return xs, ys


def _run_chunks(fn, jobs, procs):
    if procs <= 1:
        return [fn(j) for j in jobs]
    with get_context("fork").Pool(procs) as pool:
        return pool.map(fn, jobs, chunksize=1)


def build_dataset(seed: int, n_synth: int, real_repeats: int, procs: int = 2, two_row_frac: float = 0.0,
                  cache_dir: str | None = None, real_items=None, log=print):
    """Returns dict with uint8 arrays x_synth [N,32,128], y_synth (list), x_real, y_real.
    Cached as .npz under cache_dir (keyed by the arguments)."""
    key = "data_s%d_n%d_r%d_t%g.npz" % (seed, n_synth, real_repeats, two_row_frac)
    path = os.path.join(cache_dir, key) if cache_dir else None
    if path and os.path.exists(path):
        z = np.load(path, allow_pickle=False)
        log("dataset: loaded cache %s" % path)
        return {"x_synth": z["x_synth"], "y_synth": list(z["y_synth"]), "x_real": z["x_real"],
                "y_real": list(z["y_real"])}
    chunk = 500
    jobs = [(seed * 1000003 + i, min(chunk, n_synth - i * chunk), two_row_frac)
            for i in range((n_synth + chunk - 1) // chunk)]
    res = _run_chunks(_synth_chunk, jobs, procs)
    x_s = np.concatenate([r[0] for r in res]) if res else np.zeros((0, OUT_SIZE[1], OUT_SIZE[0]), np.uint8)
    y_s = [t for r in res for t in r[1]]
    real = real_items if real_items is not None else load_real_crops()
    items = [it for _ in range(real_repeats) for it in real]
    random.Random(seed).shuffle(items)
    # group by source file inside chunks so each worker decodes each PNG a few times only
    rjobs = [(seed * 7919 + i, items[i * chunk:(i + 1) * chunk]) for i in range((len(items) + chunk - 1) // chunk)]
    rres = _run_chunks(_real_chunk, rjobs, procs)
    x_r = np.concatenate([r[0] for r in rres]) if rres else np.zeros((0, OUT_SIZE[1], OUT_SIZE[0]), np.uint8)
    y_r = [t for r in rres for t in r[1]]
    if path:
        os.makedirs(cache_dir, exist_ok=True)
        tmp = path + ".tmp.npz"
        np.savez(tmp, x_synth=x_s, y_synth=np.array(y_s), x_real=x_r, y_real=np.array(y_r))
        os.replace(tmp, path)
    return {"x_synth": x_s, "y_synth": y_s, "x_real": x_r, "y_real": y_r}


# Test-time augmentation of the dev crops: (padding, dx, dy) per variant, padding as a fraction of
# the box size per side, shifts as a fraction of its width (dx) and height (dy). The default grid
# (three paddings, no shift) keeps the recogniser within 10 ms per plate on the project's CPU;
# the wider grid TTA_PADS x TTA_SHIFT_DX x TTA_SHIFT_DY (27 crops) reads more, at ~4x the time.
TTA_PADS = (0.10, 0.15, 0.20)
TTA_DX = (0.0,)
TTA_DY = (0.0,)
TTA_SHIFT_DX = (-0.04, 0.0, 0.04)
TTA_SHIFT_DY = (-0.06, 0.0, 0.06)


def tta_variants(pads=TTA_PADS, dxs=TTA_DX, dys=TTA_DY):
    """Every (pad, dx, dy) of the grid, the plain 15 % crop (0.15, 0, 0) first when it is in it."""
    grid = [(p, dx, dy) for p in pads for dx in dxs for dy in dys]
    return sorted(grid, key=lambda v: v != (0.15, 0.0, 0.0))


def dev_crops(dev_dir: str = DEV_DIR, pad: float = 0.15, variants=None, prepare=None):
    """Padded crops of the labelled dev boxes, preprocessed exactly like training inputs.
    Returns (x uint8 [N,32,128], labels, sets). Evaluation only -- never used for training.
    With `variants` (a list of (pad, dx, dy), see tta_variants) every plate gets one crop per
    variant, plate-major: x is [N * len(variants), 32, 128] and `pad` is ignored. `prepare`
    turns a crop into the model input (default: platewise-rec-v1's grey 128x32)."""
    prepare = prepare or (lambda im: render.to_input(im, OUT_SIZE))
    vs = [(pad, 0.0, 0.0)] if variants is None else list(variants)
    xs, labels, sets = [], [], []
    with open(os.path.join(dev_dir, "dataset.jsonl")) as f:
        for line in f:
            if not line.strip():
                continue
            d = json.loads(line)
            b = d["box"]
            w, h = b["xmax"] - b["xmin"], b["ymax"] - b["ymin"]
            im = Image.open(os.path.join(dev_dir, d["image"])).convert("RGB")
            for p, dx, dy in vs:
                ox, oy = dx * w, dy * h
                box = (max(0, round(b["xmin"] - p * w + ox)), max(0, round(b["ymin"] - p * h + oy)),
                       min(im.width, round(b["xmax"] + p * w + ox)), min(im.height, round(b["ymax"] + p * h + oy)))
                xs.append(prepare(im.crop(box)))
            labels.append(clean_text(d["plate"]))
            sets.append(d["set"])
    return np.stack(xs), labels, sets
