"""Synthetic licence-plate renderer for platewise-rec (US, EU, Brazil).

Everything here is drawn with PIL from Debian font packages (see FONT_CANDIDATES); no image
assets are used. `render_plate(rng, region)` returns an RGB plate image and its text (0-9A-Z
only); `augment_scene(rng, plate)` puts a plate (synthetic or a real crop) into a random scene,
warps it, pads it like the evaluation crops (15 % of the box on each side, jittered) and degrades
it (resolution, blur, noise, JPEG, colour, light).
"""
# The implementation lives in render_text.py (fonts, glyphs, text masks, drawing helpers),
# render_plates.py (per-country renderers, RENDERERS, DEFAULT_MIX, render_plate) and
# render_scene.py (scene, perspective, degradation, to_input); this module re-exports them.
from __future__ import annotations

import random

from PIL import Image

from render_text import *  # noqa: F401,F403
from render_text import (_choose_font, _draw_emblem, _font, _FONTS, _frame_and_holes,  # noqa: F401
                         _glyph, _GLYPHS, _gradient_bg, _jitter_col, _paste_text, _small_text,
                         _text_mask, _weighted)
from render_plates import *  # noqa: F401,F403
from render_plates import _eu_band, _pat, _two_row  # noqa: F401
from render_plates import render_plate
from render_scene import *  # noqa: F401,F403
from render_scene import _perspective_coeffs, _scene_bg  # noqa: F401
from render_scene import augment_scene


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
