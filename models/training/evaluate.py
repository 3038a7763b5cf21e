"""Score platewise-rec on padded crops of ../shared/alpr-dev (box padded by 15 % of its size).

    /usr/bin/python3 models/training/evaluate.py --onnx models/plate-recognizer/platewise-rec-v1.onnx
    /usr/bin/python3 models/training/evaluate.py --weights /tmp/platewise-train/step02000.pt

--weights scores a torch checkpoint; --onnx scores the ONNX file with onnxruntime-node
(eval_onnx.mjs) and measures ms per crop. Prints exact-match % per set (us/eu/br) and overall;
--json writes the result; --errors lists the misread plates.

--tta (with --onnx) reads every plate from several crops instead of one (test-time augmentation):
the grid --tta-pads x --tta-dx x --tta-dy (default: padding 10/15/20 % of the box per side, no
shift: 3 crops; `--tta-dx -0.04,0,0.04 --tta-dy -0.06,0,0.06` adds shifts of 4 % of the width and
6 % of the height: 27 crops), all of a plate's crops in one batched run, combined by summed CTC
probability (headline) and by majority vote; ms per plate.
--tta-variants 'pad,dx,dy;...' names the crops explicitly instead (the first is reported alone too).
--syntax (with --onnx) also scores the br set with the best reading fitting its formats (LLL9999,
LLL9L99), for the single crop and for --tta.

    /usr/bin/python3 models/training/evaluate.py --onnx models/plate-recognizer/platewise-rec-v1.onnx --tta --syntax
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))


def eval_torch(weights, x, labels, sets, width=1.0, hidden=96, head="lstm"):
    import torch
    from model import PlateCRNN
    from train import evaluate
    torch.set_num_threads(2)
    m = PlateCRNN(width, hidden, head)
    m.load_state_dict(torch.load(weights, map_location="cpu"))
    res, preds = evaluate(m, x, labels, sets, torch.device("cpu"))
    return {"exact": res, "predictions": preds}


# Plate formats for --syntax: L letter, 9 digit.
SYNTAX = {"br": ["LLL9999", "LLL9L99"]}


def eval_onnx(path, x, labels, sets, threads=2, variants=None, syntax=None):
    """variants: the (pad, dx, dy) list x was cut with (len(variants) crops per plate, plate-major)."""
    meta = {"labels": labels, "sets": sets}
    if variants and len(variants) > 1:
        meta["variants"] = [list(v) for v in variants]
    if syntax:
        meta["syntax"] = syntax
    with tempfile.TemporaryDirectory() as td:
        cp, mp = os.path.join(td, "crops.u8"), os.path.join(td, "crops.json")
        x.astype(np.uint8).tofile(cp)
        with open(mp, "w") as f:
            json.dump(meta, f)
        out = subprocess.run(["node", os.path.join(HERE, "eval_onnx.mjs"), path, cp, mp, "--threads", str(threads)],
                             check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--weights")
    ap.add_argument("--onnx")
    ap.add_argument("--dev-dir", default=data.DEV_DIR)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--head", default="lstm", help="architecture of --weights (hybrid|lstm)")
    ap.add_argument("--json")
    ap.add_argument("--errors", action="store_true")
    ap.add_argument("--tta", action="store_true", help="with --onnx: several crops per plate, combined")
    ap.add_argument("--tta-pads", default=",".join(map(str, data.TTA_PADS)))
    ap.add_argument("--tta-dx", default=",".join(map(str, data.TTA_DX)))
    ap.add_argument("--tta-dy", default=",".join(map(str, data.TTA_DY)))
    ap.add_argument("--tta-variants", help="explicit list instead of the grid: 'pad,dx,dy;pad,dx,dy;...'")
    ap.add_argument("--syntax", action="store_true", help="with --onnx: also score br constrained to its formats")
    a = ap.parse_args(argv)
    x, labels, sets = data.dev_crops(a.dev_dir)
    result = {}
    if a.weights:
        result["torch"] = eval_torch(a.weights, x, labels, sets, head=a.head)
    if a.onnx:
        result["onnx"] = eval_onnx(a.onnx, x, labels, sets, a.threads, syntax=SYNTAX if a.syntax else None)
    if a.onnx and a.tta:
        floats = lambda s: [float(v) for v in s.split(",")]  # noqa: E731
        if a.tta_variants:
            variants = [tuple(floats(v)) for v in a.tta_variants.split(";")]
        else:
            variants = data.tta_variants(floats(a.tta_pads), floats(a.tta_dx), floats(a.tta_dy))
        xv, _, _ = data.dev_crops(a.dev_dir, variants=variants)
        result["onnx-tta"] = eval_onnx(a.onnx, xv, labels, sets, a.threads, variants, SYNTAX if a.syntax else None)
    fmt = lambda ex: "overall %.1f%%  us %.1f  eu %.1f  br %.1f" % (  # noqa: E731
        ex["all"], ex.get("us", 0), ex.get("eu", 0), ex.get("br", 0))
    for k, r in result.items():
        line = "%s: %s" % (k, fmt(r["exact"]))
        if "ms_per_crop_mean" in r:
            line += "  |  %.2f ms/crop mean, %.2f median (%d threads)" % (r["ms_per_crop_mean"],
                                                                         r["ms_per_crop_median"], r["threads"])
        if "ms_per_plate_mean" in r:
            line += "  |  %d crops/plate, summed probability; %.2f ms/plate mean, %.2f median (%d threads)" % (
                len(r["variants"]), r["ms_per_plate_mean"], r["ms_per_plate_median"], r["threads"])
            line += "\n%s (vote): %s\n%s (plain crop only): %s" % (k, fmt(r["exact_vote"]), k, fmt(r["exact_single"]))
        for st, v in r.get("exact_syntax", {}).items():
            line += "\n%s (%s constrained to %s): %s %.1f%%" % (k, st, "/".join(r["syntax"][st]), st, v)
        print(line)
        if a.errors:
            for p, l, s in zip(r["predictions"], labels, sets):
                if p != l:
                    print("  %s %-10s read %s" % (s, l, p))
    if a.json:
        with open(a.json, "w") as f:
            json.dump({k: {kk: vv for kk, vv in v.items() if kk != "predictions"} for k, v in result.items()},
                      f, indent=1)
    return result


if __name__ == "__main__":
    main()
