"""Text and drawing helpers for the synthetic plate renderer (see render.py).

Alphabet, font candidates, glyph/text-mask rendering, emblems, small text, pasting text masks
into plates, colour jitter, gradients, frames/holes and font choice.
"""
from __future__ import annotations

import math
import os
import random
from typing import List, Optional, Tuple

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"

# Fonts close to real plate typefaces: DIN-like (FE-Schrift / Mercosur / Mandatory / US
# Highway-Gothic-ish), condensed grotesques, and a few monospace/engraved looks.
FONT_CANDIDATES = {
    "din": [
        "/usr/share/fonts/truetype/opendin/OSP-DIN.ttf",
        "/usr/share/fonts/truetype/routed-gothic/routed-gothic.ttf",
        "/usr/share/fonts/truetype/routed-gothic/routed-gothic-narrow.ttf",
        "/usr/share/fonts/opentype/bebas-neue/BebasNeue-Regular.otf",
        "/usr/share/fonts/opentype/bebas-neue/BebasNeue-Bold.otf",
        "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Medium.ttf",
        "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Regular.ttf",
    ],
    "grotesk": [
        "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf",
        "/usr/share/fonts/opentype/urw-base35/NimbusSansNarrow-Bold.otf",
        "/usr/share/fonts/opentype/urw-base35/NimbusSansNarrow-Regular.otf",
        "/usr/share/fonts/truetype/open-sans/OpenSans-CondBold.ttf",
        "/usr/share/fonts/truetype/liberation2/LiberationSans-Bold.ttf",
        "/usr/share/fonts/truetype/croscore/Arimo-Bold.ttf",
        "/usr/share/fonts/truetype/freefont/FreeSansBold.ttf",
        "/usr/share/fonts/truetype/clear-sans/ClearSans-Bold.ttf",
        "/usr/share/fonts/opentype/b612/B612-Bold.otf",
    ],
    "mono": [
        "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",
        "/usr/share/fonts/opentype/b612/B612Mono-Bold.otf",
        "/usr/share/fonts/truetype/croscore/Cousine-Bold.ttf",
        "/usr/share/fonts/truetype/liberation2/LiberationMono-Bold.ttf",
    ],
    "small": [  # state names, slogans, city lines
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
        "/usr/share/fonts/opentype/urw-base35/C059-Bold.otf",
        "/usr/share/fonts/opentype/urw-base35/NimbusRoman-Bold.otf",
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
        "/usr/share/fonts/truetype/roboto/unhinted/RobotoCondensed-Bold.ttf",
        "/usr/share/fonts/truetype/open-sans/OpenSans-Bold.ttf",
    ],
}


def available_fonts(group: str) -> List[str]:
    fonts = [f for f in FONT_CANDIDATES[group] if os.path.exists(f)]
    if not fonts:
        raise RuntimeError(
            "no fonts of group %r found; install the Debian font packages listed in "
            "models/training/README.md" % group
        )
    return fonts


def _weighted(rng: random.Random, items):
    total = sum(w for _, w in items)
    r = rng.random() * total
    for v, w in items:
        r -= w
        if r <= 0:
            return v
    return items[-1][0]


# ---------------------------------------------------------------------------------------------
# glyph rendering
_GLYPHS = {}
_FONTS = {}


def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    key = (path, size)
    f = _FONTS.get(key)
    if f is None:
        f = ImageFont.truetype(path, size)
        _FONTS[key] = f
    return f


def _glyph(path: str, ch: str) -> Image.Image:
    """Tight ink mask (L) of one character at ~100 px cap height."""
    key = (path, ch)
    g = _GLYPHS.get(key)
    if g is None:
        f = _font(path, 128)
        l, t, r, b = f.getbbox(ch)
        im = Image.new("L", (r - l + 8, b - t + 8), 0)
        ImageDraw.Draw(im).text((4 - l, 4 - t), ch, font=f, fill=255)
        bb = im.getbbox()
        g = im.crop(bb) if bb else im
        _GLYPHS[key] = g
    return g


def _text_mask(rng: random.Random, text: str, font: str, cap_h: int, xscale: float,
               spacing: float, bold: int, sep_style: str) -> Tuple[Image.Image, List[Tuple[int, int]]]:
    """Render a plate text line as an L mask. Spaces/dashes in `text` become separators.
    Returns the mask and the x-ranges reserved for emblems (when sep_style == 'emblem')."""
    pieces = []  # (kind, payload)
    for c in text:
        if c == " ":
            pieces.append(("gap", 0.45))
        elif c == "-":
            pieces.append((sep_style, None))
        else:
            pieces.append(("ch", c))
    items = []
    emblems = []
    x = 0
    gap = int(round(spacing * cap_h))
    for kind, p in pieces:
        if kind == "ch":
            g = _glyph(font, p)
            w = max(1, int(round(g.width * cap_h / g.height * xscale)))
            if p in "1I":  # keep narrow glyphs narrow but not hairline
                w = max(w, int(cap_h * 0.12))
            items.append((x, g.resize((w, cap_h), Image.BILINEAR)))
            x += w + gap
        elif kind == "gap":
            x += int(cap_h * p)
        elif kind == "dash":
            w = int(cap_h * rng.uniform(0.2, 0.35))
            bar = Image.new("L", (w, max(2, int(cap_h * 0.09))), 255)
            items.append((x + gap, bar, int(cap_h * 0.47)))
            x += w + 3 * gap
        elif kind == "dot":
            s = max(2, int(cap_h * rng.uniform(0.08, 0.14)))
            dot = Image.new("L", (s, s), 255)
            items.append((x + gap, dot, int(cap_h * 0.5 - s / 2)))
            x += s + 3 * gap
        elif kind == "emblem":
            w = int(cap_h * rng.uniform(0.3, 0.6))
            emblems.append((x + gap, x + gap + w))
            x += w + 3 * gap
        else:  # "none": plain gap
            x += int(cap_h * 0.35)
    width = max(1, x - gap + 2 * bold + 2)
    mask = Image.new("L", (width, cap_h + 2 * bold + 2), 0)
    for it in items:
        if len(it) == 2:
            mask.paste(it[1], (it[0] + bold + 1, bold + 1), it[1])
        else:
            mask.paste(it[1], (it[0] + bold + 1, it[2] + bold + 1), it[1])
    if bold > 0:
        mask = mask.filter(ImageFilter.MaxFilter(2 * bold + 1))
    return mask, [(a + bold + 1, b + bold + 1) for a, b in emblems]


def _draw_emblem(rng: random.Random, im: Image.Image, box, kind: Optional[str] = None):
    x0, y0, x1, y1 = [int(v) for v in box]
    d = ImageDraw.Draw(im)
    kind = kind or rng.choice(["circle", "square", "heart", "shield", "blob", "flag", "sticker"])
    col = tuple(rng.randint(0, 255) for _ in range(3))
    w, h = x1 - x0, y1 - y0
    if kind == "circle":
        d.ellipse(box, fill=col, outline=tuple(rng.randint(0, 120) for _ in range(3)))
        d.ellipse((x0 + w * .3, y0 + h * .3, x1 - w * .3, y1 - h * .3), fill=tuple(rng.randint(0, 255) for _ in range(3)))
    elif kind == "square":
        d.rectangle(box, fill=col)
        d.text((x0 + 1, y0 + h * .2), rng.choice(LETTERS), fill=(255, 255, 255))
    elif kind == "heart":
        d.ellipse((x0, y0, x0 + w * .55, y0 + h * .5), fill=col)
        d.ellipse((x1 - w * .55, y0, x1, y0 + h * .5), fill=col)
        d.polygon([(x0, y0 + h * .3), (x1, y0 + h * .3), ((x0 + x1) / 2, y1)], fill=col)
    elif kind == "shield":  # Slovak-like coat of arms: red shield, white double cross, blue hills
        d.polygon([(x0, y0), (x1, y0), (x1, y0 + h * .6), ((x0 + x1) / 2, y1), (x0, y0 + h * .6)],
                  fill=(220, 30, 40), outline=(255, 255, 255))
        cx = (x0 + x1) / 2
        d.rectangle((cx - w * .07, y0 + h * .12, cx + w * .07, y0 + h * .65), fill=(255, 255, 255))
        d.rectangle((x0 + w * .25, y0 + h * .22, x1 - w * .25, y0 + h * .3), fill=(255, 255, 255))
        d.rectangle((x0 + w * .18, y0 + h * .38, x1 - w * .18, y0 + h * .46), fill=(255, 255, 255))
        d.ellipse((x0 + w * .1, y0 + h * .6, x1 - w * .1, y1 + h * .25), fill=(20, 60, 170))
    elif kind == "blob":
        pts = []
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        for k in range(8):
            a = 2 * math.pi * k / 8
            r = rng.uniform(0.3, 0.5)
            pts.append((cx + math.cos(a) * w * r, cy + math.sin(a) * h * r))
        d.polygon(pts, fill=col)
    elif kind == "flag":
        for k in range(3):
            d.rectangle((x0, y0 + k * h / 3, x1, y0 + (k + 1) * h / 3),
                        fill=tuple(rng.randint(0, 255) for _ in range(3)))
    else:  # sticker
        d.rectangle(box, fill=col, outline=(0, 0, 0))
        d.text((x0 + 1, y0 + 1), str(rng.randint(10, 99)), fill=(0, 0, 0))


def _small_text(rng: random.Random, im: Image.Image, text: str, box, color, font=None):
    """Draw `text` fitted into box (x0,y0,x1,y1), centred."""
    x0, y0, x1, y1 = box
    h = max(4, int(y1 - y0))
    f = _font(font or rng.choice(available_fonts("small")), h)
    l, t, r, b = f.getbbox(text)
    tw, th = max(1, r - l), max(1, b - t)
    layer = Image.new("L", (tw + 4, th + 4), 0)
    ImageDraw.Draw(layer).text((2 - l, 2 - t), text, font=f, fill=255)
    sx = min(1.0, (x1 - x0) / (tw + 4))
    nw, nh = max(1, int((tw + 4) * sx)), max(1, int(y1 - y0))
    layer = layer.resize((nw, nh), Image.BILINEAR)
    px = int((x0 + x1) / 2 - nw / 2)
    im.paste(Image.new("RGB", layer.size, color), (px, int(y0)), layer)


def _paste_text(rng, im, mask, box, color, fit="contain", emboss=0.0, shadow_col=None):
    """Scale text mask into box (x0,y0,x1,y1) keeping height, condensing if too wide."""
    x0, y0, x1, y1 = [int(v) for v in box]
    bw, bh = x1 - x0, y1 - y0
    scale = bh / mask.height
    w = mask.width * scale
    if w > bw:
        w = bw
    w = max(1, int(w))
    m = mask.resize((w, bh), Image.BILINEAR)
    px = x0 + (bw - w) // 2
    if emboss > 0 and shadow_col is not None:
        off = max(1, int(bh * emboss))
        im.paste(Image.new("RGB", m.size, shadow_col), (px + off, y0 + off), m)
    im.paste(Image.new("RGB", m.size, color), (px, y0), m)
    return px, w, scale


def _jitter_col(rng, col, amt=20):
    return tuple(int(min(255, max(0, c + rng.randint(-amt, amt)))) for c in col)


def _gradient_bg(rng, size, base, amt=30):
    w, h = size
    a = np.array(base, np.float32)
    b = np.clip(a + rng.uniform(-amt, amt), 0, 255)
    t = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    if rng.random() < 0.5:
        t = np.linspace(0, 1, w, dtype=np.float32)[None, :, None]
    arr = a * (1 - t) + b * t
    arr = np.broadcast_to(arr, (h, w, 3)).copy()
    return Image.fromarray(arr.astype(np.uint8))


def _frame_and_holes(rng, im, color=(30, 30, 30)):
    d = ImageDraw.Draw(im)
    w, h = im.size
    if rng.random() < 0.6:
        t = max(1, int(h * rng.uniform(0.01, 0.04)))
        for k in range(t):
            d.rectangle((k, k, w - 1 - k, h - 1 - k), outline=color)
    if rng.random() < 0.5:
        r = h * 0.03
        for cx in (w * 0.25, w * 0.75) if rng.random() < 0.5 else (w * 0.12, w * 0.88):
            cy = h * rng.uniform(0.08, 0.15)
            d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=_jitter_col(rng, (90, 90, 90), 40))


def _choose_font(rng, groups=("din", "grotesk", "mono"), weights=(5, 4, 1)):
    g = _weighted(rng, list(zip(groups, weights)))
    return rng.choice(available_fonts(g))
