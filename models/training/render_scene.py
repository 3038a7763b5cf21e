"""Scene placement and degradation for plate crops (see render.py)."""
from __future__ import annotations

import io
import math
import random

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from render_text import _gradient_bg, _jitter_col


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
