"""Per-country synthetic plate renderers (US, EU, Brazil old and Mercosur; see render.py)."""
from __future__ import annotations

import math
import random
from typing import Optional, Tuple

from PIL import Image, ImageDraw

from render_text import (ALPHABET, DIGITS, LETTERS, _choose_font, _draw_emblem, _frame_and_holes,
                         _gradient_bg, _jitter_col, _paste_text, _small_text, _text_mask, _weighted,
                         available_fonts)


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
# Many US states leave I, O and Q out of standard serials (they read as 1 and 0): the US crops'
# labels hold '0' 314 times against 'O' 16 and '1' 280 against 'I' 45. Letters drawn from all 26
# taught the reader that a round US glyph is an O.
US_SERIAL_LETTERS = "".join(c for c in LETTERS if c not in "IOQ")


def _pat(rng: random.Random, pattern: str, letters: str = LETTERS, digits: str = DIGITS) -> str:
    out = []
    for c in pattern:
        if c == "L":
            out.append(rng.choice(letters))
        elif c == "9":
            out.append(rng.choice(digits))
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


# ---------------------------------------------------------------------------------------------
# plate types
def render_us(rng: random.Random, two_row: bool = False,
              glyphs: Optional[Tuple[str, str]] = None) -> Tuple[Image.Image, str]:
    """glyphs = (letters, digits) draws the serial from those (a look-alike-rich plate, cct_data)."""
    W, H = 400, 200
    fmt = _weighted(rng, US_FORMATS)
    text = _pat(rng, fmt, *glyphs) if glyphs else _pat(rng, fmt, US_SERIAL_LETTERS)
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
