"""Weight-space ensemble of the published reader and a fine-tune (WiSE-FT, Wortsman et al. 2022).

    /usr/bin/python3 models/training/wise_ft.py --weights /tmp/platewise-cct/final.pt \
        --out /tmp/platewise-cct/wise.pt

With several --weights (fine-tunes of the same published weights, e.g. other seeds), the tuned side
is their uniform average first: a model soup (Wortsman et al. 2022), one model at the cost of one.

A fine-tune on a few thousand crops gains on the plates it saw and can lose a little of what the
published model learnt from far more data (platewise-rec-v2 lost a European plate). Interpolating
the weights, theta = (1 - alpha) * published + alpha * fine-tuned, keeps most of both at the cost
of one model. alpha is picked on the validation split alone (never the dev photos): the
highest validation accuracy, ties going to the smaller alpha (closer to the published weights).
The region head is the fine-tune's (the published model has none). The dev-crop figures are
printed for each alpha as monitoring only. Writes {"ema": state, "alpha": .., "val": ..}, which
export_cct.py reads like a checkpoint of train_cct.py.
"""
from __future__ import annotations

import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cct  # noqa: E402
import cct_data  # noqa: E402
import export_cct  # noqa: E402
from train_cct import PUBLISHED, read, score  # noqa: E402

ALPHAS = (0.25, 0.5, 0.75, 1.0)


def interpolate(published: dict, tuned: dict, alpha: float) -> dict:
    """(1 - alpha) * published + alpha * tuned for every float tensor of the reader; the region
    head and anything else the published model lacks are the tune's."""
    out = {}
    for name, t in tuned.items():
        p = None if name.startswith("region.") else published.get(name)
        if p is not None and t.is_floating_point() and p.shape == t.shape:
            out[name] = (1 - alpha) * p + alpha * t
        else:
            out[name] = t.clone()
    return out


def soup(states: list[dict]) -> dict:
    """The uniform average of fine-tunes' float tensors (others from the first): runs that started
    from the same published weights stay in one basin, so their mean reads like an ensemble."""
    out = {}
    for name, t in states[0].items():
        out[name] = torch.stack([s[name] for s in states]).mean(0) if t.is_floating_point() else t.clone()
    return out


def pick(results: list[dict]) -> dict:
    """The highest validation accuracy; on a tie, the smallest alpha."""
    return max(results, key=lambda r: (r["val"]["all"], -r["alpha"]))


def main(argv=None):
    ap = argparse.ArgumentParser(description="weight-space ensemble of published and fine-tuned CCT")
    ap.add_argument("--weights", required=True, action="append",
                    help="final.pt of train_cct.py (repeatable: the fine-tunes are averaged first)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--init", default=PUBLISHED, help="the published ONNX the fine-tune started from")
    ap.add_argument("--alphas", default=",".join(str(a) for a in ALPHAS))
    ap.add_argument("--limit-items", type=int, default=0, help="validate on the first N crops only (tests)")
    ap.add_argument("--no-dev", action="store_true", help="skip the dev-crop monitoring")
    ap.add_argument("--threads", type=int, default=2)
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)

    tuned = soup([export_cct.load_weights(w).state_dict() for w in a.weights])
    published = cct.load_onnx_weights(cct.CCT(), a.init).state_dict()
    items = cct_data.load_items()
    if a.limit_items:
        items = items[: a.limit_items]
    xv, yv, sv = cct_data.val_arrays(cct_data.split_items(items)[1])
    dev = None if a.no_dev else cct_data.dev_crops()

    results = []
    for alpha in [float(x) for x in a.alphas.split(",")]:
        model = cct.CCT()
        model.load_state_dict(interpolate(published, tuned, alpha))
        rec = {"alpha": alpha, "val": score(read(model, xv)[0], yv, sv)}
        if dev is not None:
            rec["dev_monitor"] = score(read(model, dev[0])[0], dev[1], dev[2])
        print(json.dumps(rec), flush=True)
        results.append(dict(rec, state=model.state_dict()))
    best = pick(results)
    torch.save({"ema": best["state"], "alpha": best["alpha"], "val": best["val"]}, a.out)
    print(json.dumps({"picked_alpha": best["alpha"], "val": best["val"], "out": a.out}), flush=True)


if __name__ == "__main__":
    main()
