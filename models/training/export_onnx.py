"""Export trained weights to ONNX (opset 13) and write the torch-side parity fixture.

    /usr/bin/python3 models/training/export_onnx.py --weights /tmp/platewise-train/final.pt \
        --out models/plate-recognizer/platewise-rec-v1.onnx \
        --fixture models/plate-recognizer/platewise-rec-v1.parity.json

The fixture holds fixed inputs (three formula images that parity.mjs recomputes, plus one
rendered synthetic plate stored as base64 uint8) and the torch logits for them;
`node models/training/parity.mjs` checks onnxruntime against it.
"""
from __future__ import annotations

import argparse
import base64
import json
import math
import os
import random
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render  # noqa: E402
from model import ALPHABET, INPUT_H, INPUT_W, PlateCRNN  # noqa: E402


def formula_input(k: int) -> np.ndarray:
    """Deterministic float32 [32,128] test image in [-1, 1]; parity.mjs computes the same."""
    y, x = np.meshgrid(np.arange(INPUT_H, dtype=np.float64), np.arange(INPUT_W, dtype=np.float64), indexing="ij")
    v = np.sin(x * (0.11 + 0.07 * k) + y * (0.23 - 0.05 * k) + k) * np.cos(x * 0.031 * (k + 1) - y * 0.17)
    return v.astype(np.float32)


def fixture_inputs(seed: int = 7):
    ins = [formula_input(k) for k in range(3)]
    rng = random.Random(seed)
    plate, text = render.render_plate(rng, "eu")
    u8 = render.to_input(render.augment_scene(rng, plate, strength=0.3))
    ins.append(((u8.astype(np.float32) / 255.0) - 0.5) / 0.5)
    return np.stack(ins)[:, None], u8, text


def export(weights: str, out: str, fixture: str | None = None, width: float = 1.0, hidden: int = 96,
           head: str = "lstm"):
    model = PlateCRNN(width, hidden, head)
    model.load_state_dict(torch.load(weights, map_location="cpu"))
    model.eval()
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    dummy = torch.zeros(1, 1, INPUT_H, INPUT_W)
    torch.onnx.export(model, dummy, out, opset_version=13, input_names=["image"], output_names=["logits"],
                      dynamic_axes={"image": {0: "batch"}, "logits": {0: "batch"}}, do_constant_folding=True)
    try:
        import onnx
        m = onnx.load(out)
        onnx.checker.check_model(m)
        meta = {"alphabet": ALPHABET, "blank": "0", "input": "1x32x128 grey, (p/255-0.5)/0.5",
                "decoder": "ctc-greedy"}
        for k, v in meta.items():
            p = m.metadata_props.add()
            p.key, p.value = k, v
        onnx.save(m, out)
    except ImportError:
        pass
    if fixture:
        x, u8, text = fixture_inputs()
        with torch.no_grad():
            y = model(torch.from_numpy(x)).numpy()
        fx = {
            "model": os.path.basename(out),
            "input_shape": list(x.shape),
            "formula_inputs": 3,
            "plate_u8_base64": base64.b64encode(u8.tobytes()).decode(),
            "plate_text": text,
            "logits_shape": list(y.shape),
            "logits": [round(float(v), 6) for v in y.reshape(-1)],
            "tolerance": 1e-4,
        }
        with open(fixture, "w") as f:
            json.dump(fx, f)
    return out


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--fixture", default=None)
    ap.add_argument("--width", type=float, default=1.0)
    ap.add_argument("--hidden", type=int, default=96)
    ap.add_argument("--head", default="lstm")
    a = ap.parse_args(argv)
    export(a.weights, a.out, a.fixture, a.width, a.hidden, a.head)
    print("exported", a.out, os.path.getsize(a.out), "bytes")


if __name__ == "__main__":
    main()
