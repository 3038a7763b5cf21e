"""Data for fine-tuning the CCT recogniser (RGB 128x64, 9 slots).

Sources (all read at run time from ../shared, never committed):
- real crops: ../shared/alpr-crops-us (745 US, `real`) and ../shared/alpr-crops-intl (`real`,
  `agreed`, `pseudo`; pseudo labels are machine-read and get a lower loss weight);
- synthetic renders from render.py (US, EU, Brazil old and Mercosur, a share of two-row plates).
Each crop is augmented offline by render.augment_scene (scene, perspective, padding from tight to
loose, light, blur, noise, JPEG) and cached as .npz; train_cct.py adds cheap on-line jitter.
The validation split holds out whole plate texts of real/agreed crops (a car's several frames
stay on one side); the dev photos (../shared/alpr-dev) are only scored for monitoring.
"""
from __future__ import annotations

import csv
import hashlib
import os
import random
from multiprocessing import get_context

import numpy as np
from PIL import Image, ImageDraw

import cct
import render
import data
from data import DEV_DIR, SHARED, clean_text

US_DIR = os.path.join(SHARED, "alpr-crops-us")
# Part of the cache file's name: bump it when the renderers or the augmentation change, so a work
# folder never reuses crops made by older code.
DATA_VERSION = 2
INTL_DIR = os.path.join(SHARED, "alpr-crops-intl")
SIZE = (cct.IN_W, cct.IN_H)  # PIL order: W, H
WEIGHT = {"real": 1.0, "agreed": 0.9, "pseudo": 0.5, "synthetic": 0.6}
# synthetic region -> region class; every EU render counts as "eu" (its country is not returned)
SYNTH_REGION = {"us": "us", "eu": "eu", "br_old": "br", "br_mercosur": "br"}
# Glyphs a US reader confuses with one another (7/T, F/P/E, 0/O/D/Q, 8/B, 5/S, 1/L/I, 4/A, U/0,
# Y/V): the misreads left after platewise-rec-v2 (L781601 -> LTB1601, CK0A1F -> CK0A1P) are of this
# kind. --lookalike-repeats oversamples the US crops rich in them; --lookalike-synth renders US
# serials drawn mostly from them. 0, 1 and A are left out of the count: most US plates hold them.
LOOKALIKE = "7TFPEODQ8B5SLI4UYV"
LOOKALIKE_LETTERS = "TFPEDB SLAUYV".replace(" ", "")  # US serial letters (no I, O, Q)
LOOKALIKE_DIGITS = "70851 4".replace(" ", "")


def add_data_args(ap):
    """The arguments that pick the cached training set (train_cct.py and train_region_head.py)."""
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--repeats-real", type=int, default=4)
    ap.add_argument("--repeats-pseudo", type=int, default=2)
    ap.add_argument("--repeats-us", type=int, default=0,
                    help="copies of each US crop (0: as --repeats-real); US plates are the weak set")
    ap.add_argument("--synth", type=int, default=8000)
    ap.add_argument("--two-row", type=float, default=0.15)
    ap.add_argument("--lookalike-repeats", type=int, default=0,
                    help="extra copies of a US crop per look-alike glyph in its text (at most 4 glyphs counted)")
    ap.add_argument("--lookalike-synth", type=float, default=0.0,
                    help="share of US renders whose serial is drawn mostly from look-alike glyphs")
    ap.add_argument("--engine-pad", type=float, default=0.0,
                    help="share of real copies padded as the engine crops (detector quad + 15 %% per side)")
    ap.add_argument("--edge-occlude", type=float, default=0.0,
                    help="share of real copies whose first or last glyph a plate frame partly hides")
    ap.add_argument("--limit-items", type=int, default=0, help="use only the first N crops (tests)")
    ap.add_argument("--procs", type=int, default=2)


def training_set(a, log=print):
    """(train arrays, validation items) for parsed add_data_args arguments; cached in a.work."""
    items = load_items()
    if a.limit_items:
        items = items[: a.limit_items]
    train_items, val_items = split_items(items)
    return build(train_items, a.seed, a.repeats_real, a.repeats_pseudo, a.synth, a.two_row,
                 procs=a.procs, cache_dir=a.work, log=log, repeats_us=a.repeats_us,
                 lookalike=(a.lookalike_repeats, a.lookalike_synth, a.engine_pad),
                 occlude=a.edge_occlude), val_items


def lookalike_count(text: str, cap: int = 4) -> int:
    return min(cap, sum(c in LOOKALIKE for c in text))


def load_items(us_dir: str = US_DIR, intl_dir: str = INTL_DIR):
    """[(path, text, region, quality, padded)] for every usable labelled crop (1-9 characters)."""
    items = []
    if os.path.exists(os.path.join(us_dir, "labels.csv")):
        with open(os.path.join(us_dir, "labels.csv"), newline="") as f:
            for row in csv.DictReader(f):
                items.append((os.path.join(us_dir, row["image"]), clean_text(row["plate"]), "us", "real", False))
    if os.path.exists(os.path.join(intl_dir, "labels.csv")):
        with open(os.path.join(intl_dir, "labels.csv"), newline="") as f:
            for row in csv.DictReader(f):
                c = row["country"]
                region = c if c in ("br", "ar", "ro") else "eu"
                padded = "pseudo-ro" in row["image"]  # cut from photos with 15 % padding already
                items.append((os.path.join(intl_dir, row["image"]), clean_text(row["plate"]), region,
                              row["quality"], padded))
    return [it for it in items if 1 <= len(it[1]) <= cct.SLOTS]


def split_items(items, val_frac: float = 0.08):
    """Validation = real/agreed crops whose plate text hashes into the held-out fraction."""
    def held(text):
        return int(hashlib.sha1(text.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < val_frac
    train = [it for it in items if not (it[3] != "pseudo" and held(it[1]))]
    val = [it for it in items if it[3] != "pseudo" and held(it[1])]
    return train, val


def encode(text: str) -> list:
    return [cct.ALPHABET.index(c) for c in text] + [cct.PAD] * (cct.SLOTS - len(text))


def plain_crop(path: str) -> np.ndarray:
    return np.asarray(Image.open(path).convert("RGB").resize(SIZE, Image.BILINEAR), np.uint8)


def edge_occluded(rng, im, text):
    """`im` (a plate's labelled box) with its first or last glyph partly hidden, as a plate frame
    hides it: a bar over the side margin and 20-60 % of the edge glyph's pitch, the glyph still in
    the label (a reader that sees half of a `W` as two glyphs, `wts-lg-000072`, never learned
    otherwise). Dark frames mostly, some chrome."""
    w, h = im.size
    pitch = 0.9 * w / max(4, len(text))
    depth = int(round(rng.uniform(0.03, 0.07) * w + rng.uniform(0.2, 0.6) * pitch))
    base = rng.randint(0, 70) if rng.random() < 0.7 else rng.randint(150, 230)
    colour = tuple(max(0, min(255, base + rng.randint(-20, 20))) for _ in range(3))
    out = im.copy()
    x0, x1 = (0, depth) if rng.random() < 0.7 else (w - depth, w)
    ImageDraw.Draw(out).rectangle([x0, 0, x1, h], fill=colour)
    return out


def _aug_real(rng, im, padded, engine_pad=0.0):
    if engine_pad and not padded and rng.random() < engine_pad:  # the engine's crop: quad + 15 % per side
        return render.augment_scene(rng, im, pad=rng.uniform(0.12, 0.18), strength=rng.uniform(0.3, 0.8),
                                    out_size=SIZE)
    if rng.random() < 0.15:  # a few nearly clean copies: the detector's crop of a sharp photo
        return im.resize(SIZE, Image.BILINEAR)
    pad = rng.uniform(-0.06, 0.06) if padded else rng.uniform(-0.02, 0.24)
    return render.augment_scene(rng, im, pad=pad, strength=rng.uniform(0.4, 1.0), out_size=SIZE)


def _real_chunk(args):
    seed, chunk, engine_pad, occlude = args
    rng = random.Random(seed)
    xs = np.zeros((len(chunk), SIZE[1], SIZE[0], 3), np.uint8)
    cache = {}
    for i, (path, text, _, _, padded) in enumerate(chunk):
        im = cache.get(path)
        if im is None:
            im = cache[path] = Image.open(path).convert("RGB")
        if occlude and not padded and rng.random() < occlude:
            im = edge_occluded(rng, im, text)
        xs[i] = np.asarray(_aug_real(rng, im, padded, engine_pad).convert("RGB"), np.uint8)
    return xs


def _synth_chunk(args):
    seed, n, two_row_frac, lookalike_share = args
    rng = random.Random(seed)
    xs = np.zeros((n, SIZE[1], SIZE[0], 3), np.uint8)
    texts, regions = [], []
    for i in range(n):
        kind = render._weighted(rng, render.DEFAULT_MIX)
        if kind == "us" and lookalike_share and rng.random() < lookalike_share:
            plate, text = render.render_us(rng, two_row=rng.random() < two_row_frac,
                                           glyphs=(LOOKALIKE_LETTERS, LOOKALIKE_DIGITS))
        else:
            plate, text = render.RENDERERS[kind](rng, two_row=rng.random() < two_row_frac)
        pad = rng.uniform(0.0, 0.22)
        xs[i] = np.asarray(render.augment_scene(rng, plate, pad=pad, out_size=SIZE).convert("RGB"), np.uint8)
        texts.append(text[: cct.SLOTS])
        regions.append(SYNTH_REGION[kind])
    return xs, texts, regions


def _pool_map(fn, jobs, procs):
    if procs <= 1:
        return [fn(j) for j in jobs]
    with get_context("fork").Pool(procs) as pool:
        return pool.map(fn, jobs, chunksize=1)


def build(items, seed: int, repeats_real: int, repeats_pseudo: int, n_synth: int, two_row_frac: float,
          procs: int = 2, cache_dir: str | None = None, log=print, repeats_us: int = 0, lookalike=(0, 0.0, 0.0),
          occlude: float = 0.0):
    """Augmented training arrays: x [N,64,128,3] uint8, y [N,9] int64, region [N], weight [N].
    lookalike = (extra US copies per look-alike glyph, share of look-alike US renders, share of
    engine-padded real copies); occlude = share of real copies with an edge glyph partly hidden
    (edge_occluded); all zero reproduces the shipped recipe's data exactly."""
    repeats_us = repeats_us or repeats_real
    la_repeats, la_synth, engine_pad = lookalike
    key = "cct_v%d_s%d_r%d_p%d_u%d_n%d_t%g_i%d" % (DATA_VERSION, seed, repeats_real, repeats_pseudo,
                                                  repeats_us, n_synth, two_row_frac, len(items))
    if any(lookalike):
        key += "_la%d_%g_e%g" % lookalike
    if occlude:
        key += "_o%g" % occlude
    key += ".npz"
    path = os.path.join(cache_dir, key) if cache_dir else None
    if path and os.path.exists(path):
        log("dataset: loaded cache %s" % path)
        z = np.load(path)
        return {k: z[k] for k in z.files}
    def copies(it):
        if it[3] == "pseudo":
            return repeats_pseudo
        if it[2] == "us":
            return repeats_us + la_repeats * lookalike_count(it[1])
        return repeats_real
    rows = [it for it in items for _ in range(copies(it))]
    random.Random(seed).shuffle(rows)
    rows.sort(key=lambda it: it[0])  # each worker decodes a file once per chunk
    chunk = 400
    chunks = [rows[i:i + chunk] for i in range(0, len(rows), chunk)]
    xr = _pool_map(_real_chunk, [(seed * 7919 + i, c, engine_pad, occlude) for i, c in enumerate(chunks)], procs)
    sj = [(seed * 1000003 + i, min(chunk, n_synth - i * chunk), two_row_frac, la_synth)
          for i in range((n_synth + chunk - 1) // chunk)]
    sr = _pool_map(_synth_chunk, sj, procs)
    texts = [r[1] for r in rows] + [t for s in sr for t in s[1]]
    regions = [r[2] for r in rows] + [g for s in sr for g in s[2]]
    quality = [r[3] for r in rows] + ["synthetic"] * n_synth
    empty = np.zeros((0, SIZE[1], SIZE[0], 3), np.uint8)
    out = {
        "x": np.concatenate(xr + [s[0] for s in sr]) if (xr or sr) else empty,
        "y": np.array([encode(t) for t in texts], np.int64).reshape(-1, cct.SLOTS),
        "region": np.array([cct.REGIONS.index(g) for g in regions], np.int64),
        "weight": np.array([WEIGHT[q] for q in quality], np.float32),
    }
    if path:
        os.makedirs(cache_dir, exist_ok=True)
        np.savez(path + ".tmp.npz", **out)
        os.replace(path + ".tmp.npz", path)
    return out


def val_arrays(val_items):
    x = np.stack([plain_crop(p) for p, *_ in val_items]) if val_items else np.zeros((0, SIZE[1], SIZE[0], 3), np.uint8)
    return x, [t for _, t, *_ in val_items], [r for _, _, r, *_ in val_items]


def dev_crops(dev_dir: str = DEV_DIR, pad: float = 0.15):
    """The labelled dev boxes padded by `pad` per side, RGB 128x64 (evaluation only)."""
    return data.dev_crops(dev_dir, pad, prepare=lambda im: np.asarray(im.resize(SIZE, Image.BILINEAR), np.uint8))
