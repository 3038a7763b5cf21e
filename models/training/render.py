"""Synthetic licence-plate renderer for platewise-rec (US, EU, Brazil).

Everything here is drawn with PIL from Debian font packages (see FONT_CANDIDATES); no image
assets are used. `render_plate(rng, region)` returns an RGB plate image and its text (0-9A-Z
only); `augment_scene(rng, plate)` puts a plate (synthetic or a real crop) into a random scene,
warps it, pads it like the evaluation crops (15 % of the box on each side, jittered) and degrades
it (resolution, blur, noise, JPEG, colour, light).
"""
from __future__ import annotations

import io
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


US_STATES = [
    ("ALABAMA", "HEART OF DIXIE"), ("ALASKA", "THE LAST FRONTIER"), ("ARIZONA", "GRAND CANYON STATE"),
    ("ARKANSAS", "THE NATURAL STATE"), ("CALIFORNIA", "DMV.CA.GOV"), ("COLORADO", ""),
    ("CONNECTICUT", "CONSTITUTION STATE"), ("DELAWARE", "THE FIRST STATE"), ("FLORIDA", "SUNSHINE STATE"),
    ("GEORGIA", "PEACH STATE"), ("HAWAII", "ALOHA STATE"), ("IDAHO", "FAMOUS POTATOES"),
    ("ILLINOIS", "LAND OF LINCOLN"), ("INDIANA", "CROSSROADS OF AMERICA"), ("IOWA", "COUNTY"),
    ("KANSAS", "SUNFLOWER STATE"), ("KENTUCKY", "UNBRIDLED SPIRIT"), ("LOUISIANA", "SPORTSMAN'S PARADISE"),
    ("MAINE", "VACATIONLAND"), ("MARYLAND", "MY MARYLAND"), ("MASSACHUSETTS", "THE SPIRIT OF AMERICA"),
    ("MICHIGAN", "PURE MICHIGAN"), ("MINNESOTA", "10,000 LAKES"), ("MISSISSIPPI", "BIRTHPLACE OF AMERICA'S MUSIC"),
    ("MISSOURI", "SHOW-ME STATE"), ("MONTANA", "TREASURE STATE"), ("NEBRASKA", "THE GOOD LIFE"),
    ("NEVADA", "THE SILVER STATE"), ("NEW HAMPSHIRE", "LIVE FREE OR DIE"), ("NEW JERSEY", "GARDEN STATE"),
    ("NEW MEXICO", "LAND OF ENCHANTMENT"), ("NEW YORK", "EMPIRE STATE"), ("NORTH CAROLINA", "FIRST IN FLIGHT"),
    ("NORTH DAKOTA", "LEGENDARY"), ("OHIO", "BIRTHPLACE OF AVIATION"), ("OKLAHOMA", "NATIVE AMERICA"),
    ("OREGON", "PACIFIC WONDERLAND"), ("PENNSYLVANIA", "VISITPA.COM"), ("RHODE ISLAND", "OCEAN STATE"),
    ("SOUTH CAROLINA", "WHILE I BREATHE I HOPE"), ("SOUTH DAKOTA", "GREAT FACES GREAT PLACES"),
    ("TENNESSEE", "VOLUNTEER STATE"), ("TEXAS", "THE LONE STAR STATE"), ("UTAH", "LIFE ELEVATED"),
    ("VERMONT", "GREEN MOUNTAIN STATE"), ("VIRGINIA", "VIRGINIA IS FOR LOVERS"), ("WASHINGTON", "EVERGREEN STATE"),
    ("WEST VIRGINIA", "WILD AND WONDERFUL"), ("WISCONSIN", "AMERICA'S DAIRYLAND"), ("WYOMING", ""),
    ("DISTRICT OF COLUMBIA", "TAXATION WITHOUT REPRESENTATION"),
]
DEALER_LINES = ["AUTO MALL", "MOTORS", "TOYOTA", "HONDA", "FORD", "CHEVROLET", "AUTO SALES",
                "DEALERSHIP", "NISSAN", "KIA", "SUBARU", "HYUNDAI STORE", "BMW", "AUDI"]
BR_CITIES = ["SP-SAO PAULO", "BA-SALVADOR", "BA-CAMACARI", "BA-LAURO DE FREITAS", "RJ-RIO DE JANEIRO",
             "MG-BELO HORIZONTE", "PR-CURITIBA", "RS-PORTO ALEGRE", "PE-RECIFE", "CE-FORTALEZA",
             "GO-GOIANIA", "DF-BRASILIA", "SC-FLORIANOPOLIS", "AM-MANAUS", "PA-BELEM", "ES-VITORIA",
             "SP-CAMPINAS", "BA-FEIRA DE SANTANA", "MG-UBERLANDIA", "SP-SANTOS"]


# ---------------------------------------------------------------------------------------------
# text formats
def _pat(rng: random.Random, pattern: str) -> str:
    out = []
    for c in pattern:
        if c == "L":
            out.append(rng.choice(LETTERS))
        elif c == "9":
            out.append(rng.choice(DIGITS))
        elif c == "X":
            out.append(rng.choice(ALPHABET))
        else:
            out.append(c)
    return "".join(out)


US_FORMATS = [
    ("LLL 9999", 6), ("9LLL999", 6), ("LLL 999", 5), ("999 LLL", 4), ("LL9 L9L", 4), ("9L9 9999", 1),
    ("L99 9999", 1), ("999 9999", 1), ("LL 99999", 1), ("9LL L999", 1), ("99999", 1), ("LLLL99", 1),
    ("9999 LL", 1), ("L999999", 1), ("99 L999", 1), ("XXXXXX", 2), ("XXXXX", 1), ("XXXXXXX", 2),
    ("LLLL", 0.3), ("LLLLLLL", 0.5), ("999 9L9", 0.5), ("LL 9999", 1), ("LLL 9L9", 0.5),
]

EU_COUNTRIES = {
    # code: (weight, formats, plate colour)
    "SK": (10, ["LL-999LL", "LL 999LL"], "white"),
    "CZ": (4, ["9L9 9999", "9LX 9999"], "white"),
    "D": (3, ["LL LL 999", "L LL 99", "LLL L 9999", "L LL 999", "LL L 99"], "white"),
    "PL": (2, ["LL 99999", "LLL 99LL", "LLL 9X99", "LL 999LL"], "white"),
    "F": (1.5, ["LL-999-LL"], "white"),
    "I": (1.5, ["LL 999LL"], "white"),
    "E": (1.5, ["9999 LLL"], "white"),
    "NL": (1, ["99-LLL-9", "LL-999-L", "9-LLL-99"], "yellow"),
    "GB": (1.5, ["LL99 LLL"], "white_or_yellow"),
    "A": (1, ["L 999 LL", "LL 999 L"], "white"),
    "B": (1, ["9-LLL-999"], "white_red"),
    "H": (1, ["LLL-999", "LLLL-999"], "white"),
    "HR": (1, ["LL 999-LL", "LL 9999-L"], "white"),
    "SLO": (0.5, ["LL 99-LLL"], "white"),
    "RO": (0.5, ["LL 99 LLL"], "white"),
}


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


# ---------------------------------------------------------------------------------------------
# plate types
def render_us(rng: random.Random, two_row: bool = False) -> Tuple[Image.Image, str]:
    W, H = 400, 200
    fmt = _weighted(rng, US_FORMATS)
    text = _pat(rng, fmt)
    if rng.random() < 0.3:  # separator variants
        text = text.replace(" ", rng.choice(["-", "", " "]))
    dark = rng.random() < 0.12
    if dark:
        bg = _jitter_col(rng, rng.choice([(20, 40, 110), (15, 15, 15), (30, 70, 40), (110, 20, 30)]))
        fg = _jitter_col(rng, rng.choice([(240, 240, 240), (240, 200, 40)]))
    else:
        bg = _jitter_col(rng, rng.choice([(245, 245, 245), (235, 235, 225), (250, 240, 200), (225, 235, 245),
                                          (240, 200, 60), (210, 225, 240), (250, 250, 250)]), 12)
        fg = _jitter_col(rng, rng.choice([(20, 30, 100), (15, 15, 15), (130, 20, 30), (20, 80, 40),
                                          (30, 60, 160), (60, 60, 60)]))
    im = _gradient_bg(rng, (W, H), bg, 40)
    d = ImageDraw.Draw(im)
    # scenery graphics behind the text (mountains, waves, sun)
    if not dark and rng.random() < 0.6:
        for _ in range(rng.randint(1, 3)):
            col = _jitter_col(rng, tuple(int(c * 0.6 + 255 * 0.4) for c in
                                         (rng.randint(0, 255), rng.randint(0, 255), rng.randint(0, 255))), 10)
            y = rng.uniform(0.4, 0.95) * H
            pts = [(0, H)] + [(x, y + rng.uniform(-25, 25)) for x in range(0, W + 50, 50)] + [(W, H)]
            d.polygon(pts, fill=col)
    state, slogan = rng.choice(US_STATES)
    top_col = _jitter_col(rng, rng.choice([fg, (160, 20, 30), (20, 40, 120), (0, 0, 0)]))
    if rng.random() < 0.85:
        _small_text(rng, im, state if rng.random() < 0.8 else state.title(),
                    (W * rng.uniform(0.1, 0.25), H * 0.05, W * rng.uniform(0.75, 0.9), H * rng.uniform(0.15, 0.22)),
                    top_col)
    if rng.random() < 0.6:
        line = slogan or rng.choice(DEALER_LINES)
        if rng.random() < 0.3:
            line = rng.choice(DEALER_LINES)
        _small_text(rng, im, line, (W * 0.15, H * 0.82, W * 0.85, H * rng.uniform(0.9, 0.95)), top_col)
    if rng.random() < 0.5:  # registration stickers in corners
        for _ in range(rng.randint(1, 2)):
            sx = rng.choice([rng.uniform(0.02, 0.08), rng.uniform(0.8, 0.86)]) * W
            sy = rng.choice([0.04, 0.78]) * H
            _draw_emblem(rng, im, (sx, sy, sx + W * 0.12, sy + H * 0.16), "sticker")
    font = _choose_font(rng, weights=(4, 4, 2))
    sep = rng.choice(["dash", "emblem", "emblem", "none", "dot"])
    if sep != "none" and " " in text and rng.random() < 0.6:
        text = text.replace(" ", "-", 1)
    cap_h = 100
    bold = rng.choice([0, 0, 1, 2, 3])
    mask, emblems = _text_mask(rng, text, font, cap_h, rng.uniform(0.75, 1.1), rng.uniform(0.04, 0.15), bold, sep)
    if two_row:
        return _two_row(rng, im, text, font, fg, bg), text.replace(" ", "").replace("-", "")
    th = H * rng.uniform(0.45, 0.58)
    ty = H * rng.uniform(0.22, 0.3)
    margin = W * rng.uniform(0.04, 0.1)
    px, w, scale = _paste_text(rng, im, mask, (margin, ty, W - margin, ty + th), fg,
                               emboss=rng.choice([0, 0, 0.03]), shadow_col=_jitter_col(rng, (90, 90, 90), 40))
    for a, b in emblems:
        _draw_emblem(rng, im, (px + a * scale * w / (mask.width * scale), ty + th * 0.2,
                               px + b * scale * w / (mask.width * scale), ty + th * 0.7))
    _frame_and_holes(rng, im, _jitter_col(rng, fg))
    return im, text.replace(" ", "").replace("-", "")


def _two_row(rng, im, text, font, fg, bg):
    """Two-row plate (motorcycle/square style): first part on top, rest below."""
    raw = text.replace(" ", "").replace("-", "")
    k = max(1, min(len(raw) - 1, len(raw) // 2 + rng.choice([-1, 0, 0])))
    W, H = im.size
    sq = Image.new("RGB", (int(H * 1.4), H), bg)
    for i, part in enumerate((raw[:k], raw[k:])):
        m, _ = _text_mask(rng, part, font, 100, 0.9, 0.08, 1, "none")
        _paste_text(rng, sq, m, (sq.width * 0.08, H * (0.08 + 0.46 * i), sq.width * 0.92, H * (0.46 + 0.46 * i)), fg)
    _frame_and_holes(rng, sq, fg)
    return sq


def _eu_band(rng, im, code, x0, x1, color=(0, 51, 153)):
    d = ImageDraw.Draw(im)
    H = im.height
    d.rectangle((x0, 0, x1, H), fill=_jitter_col(rng, color, 15))
    cx, cy, r = (x0 + x1) / 2, H * 0.3, (x1 - x0) * 0.3
    for k in range(12):
        a = 2 * math.pi * k / 12
        sx, sy = cx + r * math.cos(a), cy + r * math.sin(a)
        s = max(1, (x1 - x0) * 0.05)
        d.ellipse((sx - s, sy - s, sx + s, sy + s), fill=(255, 204, 0))
    if code:
        _small_text(rng, im, code, (x0 + 2, H * 0.58, x1 - 2, H * 0.9), (255, 255, 255),
                    font=rng.choice(available_fonts("din")))


def render_eu(rng: random.Random, two_row: bool = False) -> Tuple[Image.Image, str]:
    code = _weighted(rng, [(k, v[0]) for k, v in EU_COUNTRIES.items()])
    _, fmts, colour = EU_COUNTRIES[code]
    text = _pat(rng, rng.choice(fmts))
    W, H = 520, 112
    if colour == "yellow" or (colour == "white_or_yellow" and rng.random() < 0.5):
        bg = _jitter_col(rng, (245, 205, 30), 15)
    else:
        bg = _jitter_col(rng, (245, 245, 242), 10)
    fg = _jitter_col(rng, (20, 20, 20), 15)
    if colour == "white_red":
        fg = _jitter_col(rng, (160, 20, 30), 20)
    im = _gradient_bg(rng, (W, H), bg, 25)
    band_w = W * rng.uniform(0.075, 0.095)
    if rng.random() < 0.93:
        _eu_band(rng, im, code, 0, band_w)
        left = band_w
    else:
        left = 0
    right = W
    if code in ("F", "I") and rng.random() < 0.8:  # right-hand band with region / year
        _eu_band(rng, im, "", W - band_w, W)
        right = W - band_w
    font = _choose_font(rng, weights=(7, 3, 0.3))
    sep = "dash" if rng.random() < 0.7 else rng.choice(["none", "dot"])
    emblem_kind = None
    if code == "SK":
        # district code, coat of arms, number: RK[shield]755AJ or RK-755AJ
        if rng.random() < 0.6:
            sep, emblem_kind = "emblem", "shield"
        if rng.random() < 0.7:  # small shield + SK in the blue band
            _draw_emblem(rng, im, (band_w * 0.2, H * 0.1, band_w * 0.8, H * 0.5), "shield")
    elif code == "D":
        sep, emblem_kind = "emblem", "circle"
        text = text.replace(" ", "-", 1)
    elif code in ("HR", "A"):
        if rng.random() < 0.6:
            sep, emblem_kind = "emblem", "shield"
            text = text.replace(" ", "-", 1) if "-" not in text else text
    elif code == "CZ":
        sep = "none"
    mask, emblems = _text_mask(rng, text, font, 100, rng.uniform(0.65, 0.95), rng.uniform(0.04, 0.12),
                               rng.choice([0, 0, 1, 2]), sep)
    if two_row:
        return _two_row(rng, im, text, font, fg, bg), text.replace(" ", "").replace("-", "")
    ty = H * rng.uniform(0.1, 0.16)
    th = H * rng.uniform(0.7, 0.78)
    px, w, scale = _paste_text(rng, im, mask, (left + W * 0.02, ty, right - W * 0.02, ty + th), fg)
    k = w / mask.width
    for a, b in emblems:
        _draw_emblem(rng, im, (px + a * k, ty + th * 0.1, px + b * k, ty + th * 0.8), emblem_kind)
    if rng.random() < 0.5:  # dealer line under the plate
        _small_text(rng, im, rng.choice(DEALER_LINES), (W * 0.3, H * 0.9, W * 0.7, H * 0.99), fg)
    _frame_and_holes(rng, im, _jitter_col(rng, (20, 20, 20)))
    return im, text.replace(" ", "").replace("-", "")


def render_br_old(rng: random.Random, two_row: bool = False) -> Tuple[Image.Image, str]:
    text = _pat(rng, "LLL-9999")
    W, H = 400, 130
    kind = rng.random()
    if kind < 0.8:  # private: grey plate, black characters
        g = rng.randint(150, 225)
        bg = _jitter_col(rng, (g, g, g + rng.randint(-5, 5)), 8)
        fg = _jitter_col(rng, (20, 20, 20), 15)
    elif kind < 0.93:  # commercial: red plate, white characters
        bg, fg = _jitter_col(rng, (170, 30, 30), 20), _jitter_col(rng, (240, 240, 240), 10)
    else:  # official: white plate, black
        bg, fg = _jitter_col(rng, (240, 240, 240), 10), _jitter_col(rng, (20, 20, 20), 10)
    im = _gradient_bg(rng, (W, H), bg, 30)
    d = ImageDraw.Draw(im)
    bt = max(2, int(H * rng.uniform(0.02, 0.05)))
    for k in range(bt):
        d.rectangle((k, k, W - 1 - k, H - 1 - k), outline=fg)
    _small_text(rng, im, rng.choice(BR_CITIES), (W * 0.25, H * 0.06, W * 0.75, H * 0.19), fg,
                font=rng.choice(available_fonts("din") + available_fonts("grotesk")))
    font = _choose_font(rng, weights=(8, 2, 0.2))
    sep = rng.choice(["dot", "dot", "dash", "dash", "none"])
    mask, _ = _text_mask(rng, text, font, 100, rng.uniform(0.6, 0.85), rng.uniform(0.05, 0.12),
                         rng.choice([0, 1, 2, 3]), sep)
    if two_row:
        return _two_row(rng, im, text, font, fg, bg), text.replace("-", "")
    ty = H * rng.uniform(0.24, 0.3)
    th = H * rng.uniform(0.6, 0.68)
    _paste_text(rng, im, mask, (W * 0.04, ty, W * 0.96, ty + th), fg,
                emboss=rng.choice([0, 0.02, 0.04]), shadow_col=_jitter_col(rng, (60, 60, 60), 30))
    _frame_and_holes(rng, im, fg)
    return im, text.replace("-", "")


def render_br_mercosur(rng: random.Random, two_row: bool = False) -> Tuple[Image.Image, str]:
    text = _pat(rng, rng.choice(["LLL9L99", "LLL9L99", "LLL9999"]))
    W, H = 400, 130
    im = _gradient_bg(rng, (W, H), _jitter_col(rng, (245, 245, 245), 8), 20)
    d = ImageDraw.Draw(im)
    band_h = H * rng.uniform(0.2, 0.25)
    d.rectangle((0, 0, W, band_h), fill=_jitter_col(rng, (0, 50, 160), 15))
    _small_text(rng, im, "BRASIL", (W * 0.35, band_h * 0.15, W * 0.65, band_h * 0.85), (255, 255, 255),
                font=rng.choice(available_fonts("din")))
    # Brazilian flag (right) and Mercosur mark (left)
    fx = W * 0.86
    d.rectangle((fx, band_h * 0.15, fx + W * 0.09, band_h * 0.85), fill=(0, 150, 60))
    d.polygon([(fx + W * 0.045, band_h * 0.2), (fx + W * 0.085, band_h * 0.5), (fx + W * 0.045, band_h * 0.8),
               (fx + W * 0.005, band_h * 0.5)], fill=(250, 210, 0))
    d.ellipse((fx + W * 0.033, band_h * 0.38, fx + W * 0.057, band_h * 0.62), fill=(20, 40, 130))
    for k in range(4):
        d.ellipse((W * 0.03 + k * 5, band_h * 0.3, W * 0.03 + k * 5 + 3, band_h * 0.3 + 3), fill=(255, 255, 255))
    fg = _jitter_col(rng, (15, 15, 15), 10) if rng.random() < 0.8 else _jitter_col(
        rng, rng.choice([(170, 30, 30), (20, 50, 150), (20, 110, 50)]), 20)
    font = _choose_font(rng, weights=(8, 2, 0.2))
    mask, _ = _text_mask(rng, text, font, 100, rng.uniform(0.7, 0.95), rng.uniform(0.04, 0.1),
                         rng.choice([1, 2, 3]), "none")
    if two_row:
        return _two_row(rng, im, text, font, fg, (245, 245, 245)), text
    ty = band_h + H * 0.07
    th = H * rng.uniform(0.6, 0.66)
    _paste_text(rng, im, mask, (W * 0.05, ty, W * 0.95, min(H * 0.97, ty + th)), fg)
    if rng.random() < 0.7:
        d.text((W * 0.03, H * 0.8), "BR", fill=fg)
    _frame_and_holes(rng, im, (20, 20, 20))
    return im, text


RENDERERS = {
    "us": render_us,
    "eu": render_eu,
    "br_old": render_br_old,
    "br_mercosur": render_br_mercosur,
}
DEFAULT_MIX = [("us", 0.36), ("eu", 0.36), ("br_old", 0.2), ("br_mercosur", 0.08)]


def render_plate(rng: random.Random, region: Optional[str] = None, two_row_frac: float = 0.0):
    region = region or _weighted(rng, DEFAULT_MIX)
    return RENDERERS[region](rng, two_row=rng.random() < two_row_frac)


# ---------------------------------------------------------------------------------------------
# scene + degradation
def _scene_bg(rng: random.Random, size) -> Image.Image:
    w, h = size
    base = rng.choice([(20, 20, 20), (60, 60, 60), (120, 120, 120), (200, 200, 200), (150, 20, 20),
                       (20, 40, 90), (230, 230, 230), (40, 40, 50)])
    im = _gradient_bg(rng, (w, h), _jitter_col(rng, base, 40), 80)
    d = ImageDraw.Draw(im)
    for _ in range(rng.randint(0, 6)):  # bumper edges, lights, screws, text
        col = tuple(rng.randint(0, 255) for _ in range(3))
        x0, y0 = rng.uniform(0, w), rng.uniform(0, h)
        if rng.random() < 0.5:
            d.rectangle((x0, y0, x0 + rng.uniform(5, w / 2), y0 + rng.uniform(2, h / 3)), fill=col)
        else:
            d.line((x0, y0, rng.uniform(0, w), rng.uniform(0, h)), fill=col, width=rng.randint(1, 4))
    arr = np.asarray(im, np.float32)
    arr += np.asarray(np.random.default_rng(rng.randint(0, 2**31)).normal(0, rng.uniform(0, 12), arr.shape), np.float32)
    return Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))


def _perspective_coeffs(src, dst):
    """Coefficients for PIL's PERSPECTIVE transform mapping output (dst) to input (src)."""
    A, B = [], []
    for (x, y), (u, v) in zip(dst, src):
        A.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        A.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        B += [u, v]
    return np.linalg.solve(np.array(A, np.float64), np.array(B, np.float64)).tolist()


def augment_scene(rng: random.Random, plate: Image.Image, pad: float = 0.15, strength: float = 1.0,
                  out_size=(128, 32)) -> Image.Image:
    """Place `plate` in a scene with perspective, crop its box padded by `pad` (jittered) of the
    box size on each side, degrade, and resize to out_size. Returns an RGB image."""
    # resolution: the dev boxes are 55-400 px wide; the plate ends up about target_w wide, so
    # shrink big sources first (cheaper warps) and upsample at the end
    target_w = int(math.exp(rng.uniform(math.log(50), math.log(420))))
    k = min(1.0, 1.6 * target_w / plate.width)
    if k < 1.0:
        plate = plate.resize((max(8, int(plate.width * k)), max(4, int(plate.height * k))), Image.BILINEAR)
    pw, ph = plate.size
    # Perspective: move corners by up to ~10 % of width/height, plus a small rotation.
    j = 0.05 * strength
    ang = math.radians(rng.gauss(0, 2.5 * strength))
    corners = []
    for (x, y) in [(0, 0), (pw, 0), (pw, ph), (0, ph)]:
        xr = (x - pw / 2) * math.cos(ang) - (y - ph / 2) * math.sin(ang)
        yr = (x - pw / 2) * math.sin(ang) + (y - ph / 2) * math.cos(ang)
        corners.append((xr + rng.uniform(-j, j) * pw, yr + rng.uniform(-j, j) * ph * 1.5))
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    bx0, by0, bx1, by1 = min(xs), min(ys), max(xs), max(ys)
    bw, bh = bx1 - bx0, by1 - by0
    # label boxes are imprecise: jitter the box edges a bit, then pad
    ex = [rng.gauss(0, 0.03) * bw for _ in range(2)]
    ey = [rng.gauss(0, 0.05) * bh for _ in range(2)]
    pads = [pad + rng.gauss(0, 0.03) for _ in range(4)]
    cx0 = bx0 + ex[0] - pads[0] * bw
    cx1 = bx1 + ex[1] + pads[1] * bw
    cy0 = by0 + ey[0] - pads[2] * bh
    cy1 = by1 + ey[1] + pads[3] * bh
    cw, ch = int(math.ceil(cx1 - cx0)), int(math.ceil(cy1 - cy0))
    dst = [(x - cx0, y - cy0) for x, y in corners]
    coeffs = _perspective_coeffs([(0, 0), (pw, 0), (pw, ph), (0, ph)], dst)
    warped = plate.convert("RGBA").transform((cw, ch), Image.PERSPECTIVE, coeffs, Image.BILINEAR)
    scene = _scene_bg(rng, (cw, ch))
    scene.paste(warped, (0, 0), warped)
    im = scene
    # lighting: shadow band / gradient / global brightness-contrast
    arr = np.asarray(im, np.float32)
    if rng.random() < 0.4:
        g = np.linspace(rng.uniform(0.5, 1.2), rng.uniform(0.5, 1.2), cw if rng.random() < 0.5 else ch, dtype=np.float32)
        arr *= g[None, :, None] if g.shape[0] == cw else g[:, None, None]
    if rng.random() < 0.2:  # hard shadow
        x = rng.uniform(0, cw)
        xx = np.arange(cw)[None, :]
        yy = np.arange(ch)[:, None]
        m = (xx - x) * rng.uniform(-2, 2) + (yy - ch / 2) > 0
        arr[m] *= rng.uniform(0.4, 0.8)
    c = rng.uniform(0.6, 1.3) * strength + (1 - strength)
    b = rng.uniform(-50, 50) * strength
    arr = (arr - 128) * c + 128 + b
    if rng.random() < 0.3:  # colour cast
        arr *= np.array([rng.uniform(0.8, 1.2) for _ in range(3)], np.float32)
    im = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    target_w = max(24, min(int(target_w * cw / max(1.0, bw)), cw))
    target_h = max(8, int(ch * target_w / cw))
    im = im.resize((target_w, target_h), rng.choice([Image.BILINEAR, Image.BOX, Image.LANCZOS]))
    if rng.random() < 0.5 * strength:
        im = im.filter(ImageFilter.GaussianBlur(rng.uniform(0.2, 1.0)))
    if rng.random() < 0.15 * strength:  # motion blur (horizontal)
        k = rng.choice([3, 5])
        im = im.filter(ImageFilter.Kernel((k, k), [1 if i // k == k // 2 else 0 for i in range(k * k)], scale=k))
    if rng.random() < 0.6 * strength:
        a = np.asarray(im, np.float32)
        a += np.asarray(np.random.default_rng(rng.randint(0, 2**31)).normal(0, rng.uniform(2, 14), a.shape), np.float32)
        im = Image.fromarray(np.clip(a, 0, 255).astype(np.uint8))
    if rng.random() < 0.6 * strength:
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=rng.randint(15, 90))
        buf.seek(0)
        im = Image.open(buf).convert("RGB")
    return im.resize(out_size, Image.BILINEAR)


def to_input(im: Image.Image, out_size=(128, 32)) -> np.ndarray:
    """RGB/L image -> uint8 greyscale array (H, W) at the model's input size."""
    return np.asarray(im.convert("L").resize(out_size, Image.BILINEAR), np.uint8)


if __name__ == "__main__":  # montage for eyeballing: python3 render.py /tmp/montage.png
    import sys
    r = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 0)
    out = Image.new("RGB", (4 * 260, 5 * 100 + 10 * 68), "white")
    for i in range(40):
        reg = ["us", "eu", "br_old", "br_mercosur"][i % 4]
        p, t = render_plate(r, reg, two_row_frac=0.05)
        if i < 20:
            out.paste(p.resize((250, 95)), ((i % 4) * 260, (i // 4) * 100))
        s = augment_scene(r, p, out_size=(256, 64))
        out.paste(s.convert("L").convert("RGB"), ((i % 4) * 260, 500 + (i // 4) * 68))
    out.save(sys.argv[1] if len(sys.argv) > 1 else "/tmp/montage.png")
