"""Score platewise-rec on padded crops of ../shared/alpr-dev (box padded by 15 % of its size).

    /usr/bin/python3 models/training/evaluate.py --onnx models/plate-recognizer/platewise-rec-v1.onnx
    /usr/bin/python3 models/training/evaluate.py --weights /tmp/platewise-train/step02000.pt

--weights scores a torch checkpoint; --onnx scores the ONNX file with onnxruntime-node
(eval_onnx.mjs) and measures ms per crop. Prints exact-match % per set (us/eu/br) and overall;
--json writes the result; --errors lists the misread plates.
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


def eval_onnx(path, x, labels, sets, threads=2):
    with tempfile.TemporaryDirectory() as td:
        cp, mp = os.path.join(td, "crops.u8"), os.path.join(td, "crops.json")
        x.astype(np.uint8).tofile(cp)
        with open(mp, "w") as f:
            json.dump({"labels": labels, "sets": sets}, f)
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
    a = ap.parse_args(argv)
    x, labels, sets = data.dev_crops(a.dev_dir)
    result = {}
    if a.weights:
        result["torch"] = eval_torch(a.weights, x, labels, sets, head=a.head)
    if a.onnx:
        result["onnx"] = eval_onnx(a.onnx, x, labels, sets, a.threads)
    for k, r in result.items():
        ex = r["exact"]
        line = "%s: overall %.1f%%  us %.1f  eu %.1f  br %.1f" % (k, ex["all"], ex.get("us", 0), ex.get("eu", 0),
                                                                 ex.get("br", 0))
        if "ms_per_crop_mean" in r:
            line += "  |  %.2f ms/crop mean, %.2f median (%d threads)" % (r["ms_per_crop_mean"],
                                                                         r["ms_per_crop_median"], r["threads"])
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
