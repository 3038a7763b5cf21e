"""Heads for vehicle orientation, colour and type on frozen MobileNetV2 features (platewise-vehicle-v2;
v1 was the same with --source-balance 0).

Reads the features cached by vehicle_features.mjs (train crops with augmented views, dev crops
plain), trains one small head per attribute with class-weighted cross-entropy, picks the head's
form and strength by 5-fold cross-validation grouped by source video and time block (never at
random: consecutive frames show the same car), fits a softmax temperature on the out-of-fold
predictions, retrains on all of train, scores the dev split (measurement only), and writes the
graph patch (vehicle_graph.py) and a metrics JSON.

    /usr/bin/python3 models/training/train_vehicle.py --work /tmp/platewise-vehicle \
        --out models/vehicle-attributes/platewise-vehicle-v2.onnxpatch
"""
import argparse
import json
import os
import re
import time

import numpy as np
import torch

torch.set_num_threads(1)

from vehicle_graph import heads_patch

ORIENTATIONS = ["Front", "Rear", "Unknown"]
COLORS = ["black", "blue", "brown", "green", "red", "silver", "white", "yellow", "unknown"]
TYPES = ["Big Truck", "Bus", "Motorcycle", "Pickup Truck", "Sedan", "SUV", "Van", "Unknown"]
VOCAB = {"orientation": ORIENTATIONS, "color": COLORS, "type": TYPES}
# colour-jittered views change the colour label: only the other heads train on them
SKIP_VIEWS = {"color": {"jitter"}, "orientation": set(), "type": set()}


def group_of(crop_id: str) -> str:
    """Source video and time block: rl_<video>_<second>_… in 90 s blocks, oz_f<frame> in blocks
    of 150 frames, ozv_ (one 38 s video) as one group."""
    m = re.match(r"rl_(\w+?\d)_(\d{3})_(\d{5})_", crop_id)
    if m:
        return f"rl_{m.group(1)}_{m.group(2)}_{int(m.group(3)) // 90}"
    m = re.match(r"oz_f(\d+)_", crop_id)
    if m:
        return f"oz_{int(m.group(1)) // 150}"
    return crop_id.split("_")[0]


def folds_of(groups, k=5, seed=0):
    """Assign whole groups to k folds, balancing crop counts (largest groups first)."""
    uniq, counts = np.unique(groups, return_counts=True)
    rng = np.random.default_rng(seed)
    order = np.argsort(-counts + rng.random(len(counts)) * 0.5)
    load = np.zeros(k)
    fold_of = {}
    for i in order:
        f = int(np.argmin(load))
        fold_of[uniq[i]] = f
        load[f] += counts[i]
    return np.array([fold_of[g] for g in groups])


class Projection:
    """PCA of the plain train features (fitted once): a 1280-wide linear head on this
    machine's two shared cores costs minutes per fold, a DIM-wide one seconds. It folds into the
    exported head's weights (export_layers), so the graph still takes the 1280 features."""

    def __init__(self, x, dim):
        self.mean = x.mean(0)
        xc = torch.tensor(x - self.mean, dtype=torch.float64)
        cov = xc.T @ xc / len(x)
        vals, vecs = torch.linalg.eigh(cov)
        order = torch.argsort(vals, descending=True)[:dim]
        # not whitened: one overall scale, so weak directions stay weak (whitening them overfits)
        self.basis = (vecs[:, order] / torch.sqrt(vals[order][0])).numpy().astype(np.float32)

    def __call__(self, x):
        return ((x - self.mean) @ self.basis).astype(np.float32)

    def first(self, dim):
        """The same projection kept to its first `dim` directions (one PCA serves every width)."""
        out = Projection.__new__(Projection)
        out.mean, out.basis = self.mean, self.basis[:, :dim]
        return out


def source_of(crop_id: str) -> str:
    """The camera a crop comes from: RobertLucian's dash-cam (rl), the Jakarta CCTV (oz), the US
    street camera (ozv)."""
    return crop_id.split("_")[0]


def source_weights(sources, y, power):
    """Per-row weights ∝ n(source, class)^-power, mean 1: each camera's classes count more
    evenly, so a head cannot learn the camera for the class (train's fronts are mostly Jakarta
    CCTV, its rears mostly dash-cam: a clean daylight look then reads as Front)."""
    keys = np.array([f"{s}|{c}" for s, c in zip(sources, y)])
    uniq, inv, counts = np.unique(keys, return_inverse=True, return_counts=True)
    w = counts[inv].astype(np.float64) ** -power
    return (w / w.mean()).astype(np.float32)


def train_head(z, y, n_cls, wd, cw_power=0.5, steps=200, seed=0, row_weights=None):
    """Linear softmax head on projected features, class-weighted cross-entropy (times optional
    per-row weights), full batch."""
    torch.manual_seed(seed)
    z = torch.tensor(z)
    y = torch.tensor(y)
    rw = torch.tensor(row_weights) if row_weights is not None else None
    counts = np.bincount(y.numpy(), minlength=n_cls).astype(np.float64)
    # class weights ∝ count^-cw_power (0.5: rare classes count more without swamping the common ones)
    cw = np.where(counts > 0, np.maximum(counts, 1) ** -cw_power, 0.0)
    cw = cw / (cw * counts).sum() * counts.sum()
    net = torch.nn.Linear(z.shape[1], n_cls)
    opt = torch.optim.AdamW(net.parameters(), lr=2e-2, weight_decay=wd)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=steps)
    loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(cw, dtype=torch.float32), reduction="none")
    cw_t = torch.tensor(cw, dtype=torch.float32)[y]
    for _ in range(steps):
        per_row = loss_fn(net(z), y)
        # the mean CrossEntropyLoss takes with class weights, with the row weights folded in
        loss = (per_row * rw).sum() / (cw_t * rw).sum() if rw is not None else per_row.sum() / cw_t.sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
    return net


def logits_of(net, z):
    with torch.no_grad():
        return net(torch.tensor(z)).numpy()


def fit_temperature(logits, y):
    best = (1e9, 1.0)
    for t in np.exp(np.linspace(np.log(0.3), np.log(5), 60)):
        z = logits / t
        z = z - z.max(1, keepdims=True)
        nll = -(z[np.arange(len(y)), y] - np.log(np.exp(z).sum(1))).mean()
        best = min(best, (nll, t))
    return best[1]


class Inputs:
    """What a head reads: the projected 1280 features, optionally with the standardised `early`
    colour features (vehicle_graph.EARLY) appended."""

    def __init__(self, proj, early=None, early_rows=None):
        self.proj = proj
        self.early = early is not None
        if self.early:
            self.em = early_rows.mean(0)
            self.es = early_rows.std(0) + 1e-3

    def __call__(self, feats, early=None):
        z = self.proj(feats)
        if self.early:
            z = np.concatenate([z, ((early - self.em) / self.es).astype(np.float32)], 1)
        return z


def export_layers(net, inputs, temperature):
    """One Gemm on the graph's inputs: projection and standardisation folded into the weights,
    the temperature too."""
    proj = inputs.proj
    wz = net.weight.detach().numpy().astype(np.float64)
    d = proj.basis.shape[1]
    w = wz[:, :d] @ proj.basis.T.astype(np.float64)
    b = net.bias.detach().numpy().astype(np.float64) - w @ proj.mean.astype(np.float64)
    if inputs.early:
        we = wz[:, d:] / inputs.es
        b = b - we @ inputs.em
        w = np.concatenate([w, we], 1)
    return [((w / temperature).astype(np.float32), (b / temperature).astype(np.float32))]


def confusion(y, p, n):
    c = np.zeros((n, n), int)
    for a, b in zip(y, p):
        c[a, b] += 1
    return c


def fit_heads(feats, early, labels, train, plain, usable, folds, vocabs, forms, score_rows, unknown_last=True, log=print,
              row_weights=None):
    """For each head: CV over forms (pca_dim:weight_decay:class_weight_power[:early]), the best by
    balanced + plain accuracy on held-out plain rows, temperature from the out-of-fold logits,
    then a fit on every usable train row. Returns {head: (layers, inputs spec, report, probs on
    score_rows)}."""
    full = Projection(feats[plain], max(int(f.split(":")[0]) for f in forms))
    out = {}
    for head, vocab in vocabs.items():
        y_all = labels[head]
        cv = {}
        for form in forms:
            parts = form.split(":")
            dim, wd, cwp = int(parts[0]), float(parts[1]), float(parts[2])
            use_early = len(parts) > 3 and parts[3] == "early"
            proj = full.first(dim)
            inputs = Inputs(proj, early if use_early else None, early[plain] if use_early else None)
            z = inputs(feats, early)
            oof = np.zeros((len(feats), len(vocab)), np.float32)
            for f in range(int(folds.max()) + 1):
                fit = usable[head] & (folds != f)
                rw = row_weights[head][fit] if row_weights and head in row_weights else None
                net = train_head(z[fit], y_all[fit], len(vocab), wd, cwp, seed=f, row_weights=rw)
                held = plain & (folds == f)
                oof[held] = logits_of(net, z[held])
            known = plain & (y_all != len(vocab) - 1) if unknown_last else plain
            acc = float((oof[known].argmax(1) == y_all[known]).mean())
            present = np.unique(y_all[known])
            bal = float(np.mean([(oof[known & (y_all == c)].argmax(1) == c).mean() for c in present]))
            cv[form] = {"acc_known": round(acc, 4), "balanced": round(bal, 4), "oof": oof, "inputs": inputs, "z": z}
            log(f"{head:12s} {form:18s} cv acc {acc:.3f} balanced {bal:.3f}")
        # accuracy decides (the targets are accuracies); balanced accuracy is reported beside it
        best = max(cv, key=lambda k: cv[k]["acc_known"])
        parts = best.split(":")
        temperature = float(fit_temperature(cv[best]["oof"][plain], y_all[plain]))
        rw = row_weights[head][usable[head]] if row_weights and head in row_weights else None
        net = train_head(cv[best]["z"][usable[head]], y_all[usable[head]], len(vocab), float(parts[1]), float(parts[2]), seed=42,
                         row_weights=rw)
        inputs = cv[best]["inputs"]
        layers = export_layers(net, inputs, temperature)
        # rows scored through the exported weights (what the graph computes)
        x = feats[score_rows] if not inputs.early else np.concatenate([feats[score_rows], early[score_rows]], 1)
        w, b = layers[0]
        zz = x @ w.T + b
        p = np.exp(zz - zz.max(1, keepdims=True))
        p /= p.sum(1, keepdims=True)
        rep = {
            "form": best,
            "cv": {k: {kk: vv for kk, vv in v.items() if kk in ("acc_known", "balanced")} for k, v in cv.items()},
            "temperature": round(temperature, 3),
        }
        out[head] = (layers, ["features", "early"] if inputs.early else ["features"], rep, p)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/platewise-vehicle")
    ap.add_argument("--out", default="models/vehicle-attributes/platewise-vehicle-v2.onnxpatch")
    ap.add_argument("--metrics", default="models/vehicle-attributes/metrics-v2.json")
    ap.add_argument(
        "--forms",
        default="64:1e-2:0,64:1e-2:0.5:early",
        help="pca_dim:weight_decay:class_weight_power[:early] forms tried by CV",
    )
    ap.add_argument(
        "--source-balance",
        type=float,
        default=0.5,
        help="orientation head: row weights ∝ n(camera, class)^-P (0: none, platewise-vehicle-v1; 0.5: v2)",
    )
    args = ap.parse_args()
    t0 = time.time()
    meta = json.load(open(os.path.join(args.work, "features.json")))
    feats = np.fromfile(os.path.join(args.work, "features.f32"), dtype=np.float32).reshape(len(meta), 1280)
    early = np.fromfile(os.path.join(args.work, "features.early.f32"), dtype=np.float32).reshape(len(meta), -1)
    split = np.array([m["split"] for m in meta])
    views = np.array([m["view"] for m in meta])
    ids = np.array([m["id"] for m in meta])
    tr = split == "train"
    dev = split == "dev"
    dev_views = views[dev]
    folds = np.full(len(meta), -1)
    folds[tr] = folds_of(np.array([group_of(i) for i in ids[tr]]))
    plain = tr & (views == "plain")
    labels = {h: np.array([v.index(m[h]) for m in meta]) for h, v in VOCAB.items()}
    usable = {h: tr & ~np.isin(views, list(SKIP_VIEWS[h])) for h in VOCAB}
    row_weights = None
    if args.source_balance:
        w = np.ones(len(meta), np.float32)
        w[tr] = source_weights([source_of(i) for i in ids[tr]], labels["orientation"][tr], args.source_balance)
        row_weights = {"orientation": w}
    fitted = fit_heads(feats, early, labels, tr, plain, usable, folds, VOCAB, args.forms.split(","), dev,
                       log=lambda m: print(m, flush=True), row_weights=row_weights)
    report = {"train_rows": int(tr.sum()), "train_crops": int(plain.sum()), "dev_crops": int((dev_views == "plain").sum()), "heads": {}}
    heads = {}
    for head, vocab in VOCAB.items():
        layers, inputs, rep, p_all = fitted[head]
        heads[head] = {"inputs": inputs, "layers": layers}
        # dev rows are the plain crop and, where vehicle_features.mjs made one, its mirror image
        # (consecutive rows): scored alone and averaged with the mirror (test-time flip)
        p = p_all[dev_views == "plain"]
        p_flip = p_all[dev_views == "flip"] if (dev_views == "flip").any() else None
        yd = labels[head][dev][dev_views == "plain"]
        known = yd != len(vocab) - 1
        pred = p.argmax(1)
        counts_train = np.bincount(labels[head][plain], minlength=len(vocab))
        majority = int(np.argmax(np.where(np.arange(len(vocab)) == len(vocab) - 1, -1, counts_train)))
        rep.update({
            "dev_acc_known": round(float((pred[known] == yd[known]).mean()), 4),
            "dev_top3_known": round(float(np.mean([yd[i] in np.argsort(-p[i])[:3] for i in np.where(known)[0]])), 4),
            "dev_majority_known": round(float((yd[known] == majority).mean()), 4),
            "majority_class": vocab[majority],
            "dev_n_known": int(known.sum()),
            "dev_acc_known_flip_avg": (
                round(float(((p + p_flip).argmax(1)[known] == yd[known]).mean()), 4)
                if p_flip is not None else None),
            "dev_confusion": confusion(yd, pred, len(vocab)).tolist(),
            "train_counts": {vocab[c]: int(counts_train[c]) for c in range(len(vocab))},
        })
        report["heads"][head] = rep
        print(json.dumps({k: v for k, v in rep.items() if k not in ("cv", "dev_confusion")}), flush=True)
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    open(args.out, "wb").write(heads_patch(heads))
    report["cpu_seconds"] = round(time.time() - t0, 1)
    json.dump(report, open(args.metrics, "w"), indent=1)
    print(f"wrote {args.out} ({os.path.getsize(args.out)} bytes) and {args.metrics} in {report['cpu_seconds']} s")


if __name__ == "__main__":
    main()
