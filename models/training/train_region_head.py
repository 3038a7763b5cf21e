"""Train only the region head of the CCT reader on top of fixed text weights (by default the
published cct_xs_v1_global): the text output stays exactly the published model's, the head adds
where the plate is from (cct.REGIONS). Used when the full fine-tune does not beat the published
reader on every dev set (see the model card).

    /usr/bin/python3 models/training/train_region_head.py --work /tmp/platewise-cct [--weights best.pt]

Reads the same cached training set as train_cct.py (same arguments build the same .npz), computes
the encoder features once, fits the linear head (AdamW, cross-entropy, 30 epochs), keeps the epoch
with the best validation accuracy and writes <work>/head.pt (for export_cct.py) and
<work>/head_metrics.json. The dev photos are scored for the record only.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cct  # noqa: E402
import cct_data  # noqa: E402
import export_cct  # noqa: E402
from train_cct import PUBLISHED  # noqa: E402


@torch.no_grad()
def features(model, x_u8, batch=256):
    model.eval()
    out = []
    for i in range(0, len(x_u8), batch):
        _, tokens = model.features(torch.from_numpy(x_u8[i:i + batch]))
        out.append(tokens.mean(1))
    return torch.cat(out) if out else torch.zeros(0, model.dim)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/platewise-cct")
    ap.add_argument("--weights", default=None, help="text weights (.pt from train_cct); default: the published ONNX")
    cct_data.add_data_args(ap)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--no-dev", action="store_true")
    a = ap.parse_args(argv)
    torch.manual_seed(a.seed)
    t0 = time.time()
    d, val_items = cct_data.training_set(a)
    model = export_cct.load_weights(a.weights) if a.weights else cct.load_onnx_weights(cct.CCT(), PUBLISHED)
    ftr, ytr = features(model, d["x"]), torch.from_numpy(d["region"])
    xv, _, sv = cct_data.val_arrays(val_items)
    fv, yv = features(model, xv), torch.tensor([cct.REGIONS.index(s) for s in sv])
    dev = None if a.no_dev else cct_data.dev_crops()
    fd = features(model, dev[0]) if dev else None
    print("features: %d train, %d val (%.0f s)" % (len(ftr), len(fv), time.time() - t0), flush=True)
    head = torch.nn.Linear(model.dim, len(cct.REGIONS))
    opt = torch.optim.AdamW(head.parameters(), lr=3e-3, weight_decay=1e-4)
    acc = lambda f, y: float((head(f).argmax(-1) == y).float().mean() * 100) if len(y) else 0.0  # noqa: E731
    best, best_state, hist = -1.0, None, []
    for epoch in range(a.epochs):
        perm = torch.randperm(len(ftr))
        for i in range(0, len(perm), 256):
            idx = perm[i:i + 256]
            loss = F.cross_entropy(head(ftr[idx]), ytr[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            rec = {"epoch": epoch + 1, "train": round(acc(ftr, ytr), 2), "val": round(acc(fv, yv), 2)}
            if fd is not None:  # dev sets us/eu/br are head classes: monitoring only
                rec["dev_monitor"] = round(acc(fd, torch.tensor([cct.REGIONS.index(s) for s in dev[2]])), 2)
        hist.append(rec)
        if rec["val"] > best:
            best, best_state = rec["val"], {k: v.clone() for k, v in head.state_dict().items()}
    head.load_state_dict(best_state)
    model.region = head
    torch.save({"ema": model.state_dict(), "val_region": best}, os.path.join(a.work, "head.pt"))
    with open(os.path.join(a.work, "head_metrics.json"), "w") as f:
        json.dump({"history": hist, "best_val": best, "minutes": round((time.time() - t0) / 60, 2)}, f, indent=1)
    print("best validation region accuracy %.2f %% (%s); %.1f min" % (best, hist[-1], (time.time() - t0) / 60))


if __name__ == "__main__":
    main()
