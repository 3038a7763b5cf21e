"""White or silver: can a head trained on the train split settle what the colour rule confuses?

White and silver are dev's two commonest colours (80 of 140 known-colour crops) and the colour
rule's main error (white named silver on 13 of 30 white dev photos). This measures, and ships
nothing: a binary white/silver head on the frozen MobileNetV2 features (train_vehicle's
Projection + train_head, class-weighted, every non-jittered view of the train crops labelled white
or silver), trained on train only, then on the dev crops

  - the head alone on the crops labelled white or silver;
  - the head's log-odds plus alpha × the rule's log(white pixels / silver pixels), applied where the
    rule answers white or silver, over a grid of forms (PCA width : weight decay) and alpha;
  - a nested leave-one-out estimate: each dev crop answered with the (form, alpha) that does best on
    the other dev crops, since choosing on dev is optimistic.

Inputs: the features cache of vehicle_features.mjs (--work) and the per-crop colour counts of
`colour_rules.mjs --dev --dump FILE` (--counts).

    node models/training/vehicle_features.mjs --out /tmp/platewise-vehicle --patch /tmp/platewise-vehicle/features.patch
    node models/training/colour_rules.mjs --dev --dump /tmp/platewise-vehicle/colour-counts.json
    /usr/bin/python3 models/training/white_silver_probe.py --work /tmp/platewise-vehicle
"""
import argparse
import json
import os
import time

import numpy as np
import torch

from train_vehicle import Projection, logits_of, train_head

WS = ("white", "silver")
FORMS = ["16:1e-2", "64:1e-2", "64:1e-1", "64:1"]
ALPHAS = [0.0, 0.5, 1.0, 2.0, 4.0, None]  # None: the rule alone


def fused(answer, counts, head_logodds, alpha):
    """The colour answered: the rule's, except white/silver re-decided by head + alpha × rule."""
    if answer not in WS:
        return answer
    rule = np.log((counts.get("white", 0) + 1) / (counts.get("silver", 0) + 1))
    z = rule if alpha is None else head_logodds + alpha * rule
    return "white" if z > 0 else "silver"


def nested_loo(hits):
    """hits [configs, crops] booleans: each crop scored with the config best on the others."""
    total = hits.sum(1)
    right = 0
    for j in range(hits.shape[1]):
        right += int(hits[int(np.argmax(total - hits[:, j])), j])
    return right


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/platewise-vehicle")
    ap.add_argument("--counts", default=None, help="colour_rules.mjs --dump output (default WORK/colour-counts.json)")
    args = ap.parse_args()
    t0 = time.process_time()
    torch.set_num_threads(1)
    meta = json.load(open(os.path.join(args.work, "features.json")))
    feats = np.fromfile(os.path.join(args.work, "features.f32"), dtype=np.float32).reshape(len(meta), 1280)
    counts = {c["image"].split("/")[-1].rsplit(".", 1)[0]: c
              for c in json.load(open(args.counts or os.path.join(args.work, "colour-counts.json")))}
    split = np.array([m["split"] for m in meta])
    view = np.array([m["view"] for m in meta])
    color = np.array([m["color"] for m in meta])
    ids = np.array([m["id"] for m in meta])
    fit = (split == "train") & (view != "jitter") & np.isin(color, WS)
    dev = np.where((split == "dev") & (view == "plain") & (color != "unknown") & np.isin(ids, list(counts)))[0]
    y = (color[fit] == "white").astype(int)
    print(f"train rows (white/silver, non-jittered views): {fit.sum()} ({y.sum()} white); dev crops: {len(dev)}")
    full = Projection(feats[(split == "train") & (view == "plain")], max(int(f.split(":")[0]) for f in FORMS))
    rule_right = sum(counts[ids[i]]["answer"] == color[i] for i in dev)
    print(f"rule alone: {rule_right}/{len(dev)}")
    ws_dev = [i for i in dev if color[i] in WS]
    rule_ws = sum(counts[ids[i]]["answer"] == color[i] for i in ws_dev)
    hits, names = [], []
    for form in FORMS:
        dim, wd = int(form.split(":")[0]), float(form.split(":")[1])
        proj = full.first(dim)
        net = train_head(proj(feats[fit]), y, 2, wd, cw_power=1.0, seed=0)
        z = logits_of(net, proj(feats[dev]))
        logodds = z[:, 1] - z[:, 0]
        head_ws = sum(("white" if logodds[k] > 0 else "silver") == color[i] for k, i in enumerate(dev) if color[i] in WS)
        line = []
        for alpha in ALPHAS:
            h = np.array([fused(counts[ids[i]]["answer"], counts[ids[i]]["counts"], logodds[k], alpha) == color[i]
                          for k, i in enumerate(dev)])
            hits.append(h)
            names.append((form, alpha))
            line.append(f"{'rule' if alpha is None else alpha}: {h.sum()}")
        print(f"form {form:8s} head alone on white/silver crops {head_ws}/{len(ws_dev)} (rule {rule_ws}); "
              f"fused, all known colours: " + ", ".join(line))
    hits = np.array(hits)
    best = int(np.argmax(hits.sum(1)))
    print(f"best on dev (optimistic): {hits[best].sum()}/{len(dev)} {names[best]}; "
          f"nested leave-one-out: {nested_loo(hits)}/{len(dev)}; CPU {time.process_time() - t0:.1f} s")


if __name__ == "__main__":
    main()
