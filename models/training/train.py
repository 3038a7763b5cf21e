"""Train platewise-rec (CRNN + CTC) on synthetic plates + augmented real US crops.

    /usr/bin/python3 models/training/train.py --work /tmp/platewise-train          # full run
    /usr/bin/python3 models/training/train.py --work /tmp/x --steps 5 --synth 64 --real-repeats 0 ...

Uses CUDA when available. Writes <work>/ckpt.pt every --ckpt-every steps and resumes from it.
The dev photos are only used for the (optional) monitoring evaluation, never for training.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data  # noqa: E402
from model import PlateCRNN, encode_labels, greedy_decode  # noqa: E402


def log_to(path):
    def log(msg):
        line = "[%s] %s" % (time.strftime("%H:%M:%S"), msg)
        print(line, flush=True)
        if path:
            with open(path, "a") as f:
                f.write(line + "\n")
    return log


def normalise(x_u8: torch.Tensor) -> torch.Tensor:
    return (x_u8.float().unsqueeze(1) / 255.0 - 0.5) / 0.5


def online_aug(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Cheap per-batch augmentation on uint8 [N,H,W]: random shift/scale via affine grid,
    contrast/brightness, inversion for a few samples. Returns normalised float [N,1,H,W]."""
    n = x.shape[0]
    xf = normalise(x)
    theta = torch.zeros(n, 2, 3)
    s = 1 + (torch.rand(n, generator=gen) - 0.5) * 0.16
    theta[:, 0, 0] = s * (1 + (torch.rand(n, generator=gen) - 0.5) * 0.1)
    theta[:, 1, 1] = s
    theta[:, 0, 2] = (torch.rand(n, generator=gen) - 0.5) * 0.08
    theta[:, 1, 2] = (torch.rand(n, generator=gen) - 0.5) * 0.12
    theta[:, 0, 1] = (torch.rand(n, generator=gen) - 0.5) * 0.1  # slight shear
    grid = nn.functional.affine_grid(theta, xf.shape, align_corners=False)
    xf = nn.functional.grid_sample(xf, grid, padding_mode="border", align_corners=False)
    c = 1 + (torch.rand(n, 1, 1, 1, generator=gen) - 0.5) * 0.5
    b = (torch.rand(n, 1, 1, 1, generator=gen) - 0.5) * 0.3
    xf = xf * c + b
    inv = torch.rand(n, generator=gen) < 0.05
    xf[inv] = -xf[inv]
    return xf.clamp(-1.5, 1.5)


@torch.no_grad()
def evaluate(model, x_u8, labels, sets, device, batch=128):
    model.eval()
    preds = []
    for i in range(0, len(labels), batch):
        xb = normalise(torch.from_numpy(x_u8[i:i + batch])).to(device)
        preds += [p for p, _ in greedy_decode(model(xb).float().cpu())]
    model.train()
    res = {}
    for s in sorted(set(sets)) + ["all"]:
        idx = [i for i, v in enumerate(sets) if s == "all" or v == s]
        res[s] = 100.0 * sum(preds[i] == labels[i] for i in idx) / max(1, len(idx))
    return res, preds


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/platewise-train")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--synth", type=int, default=50000, help="synthetic samples to pre-render")
    ap.add_argument("--real-repeats", type=int, default=28, help="augmented copies of each real crop")
    ap.add_argument("--real-frac", type=float, default=0.35, help="share of real crops in each batch")
    ap.add_argument("--two-row-frac", type=float, default=0.0)
    ap.add_argument("--steps", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--warmup", type=float, default=0.1, help="OneCycle warm-up fraction")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--procs", type=int, default=2, help="processes for rendering")
    ap.add_argument("--ckpt-every", type=int, default=200)
    ap.add_argument("--eval-every", type=int, default=400, help="0: no monitoring eval on dev crops")
    ap.add_argument("--crops-dir", default=data.CROPS_DIR)
    ap.add_argument("--dev-dir", default=data.DEV_DIR)
    ap.add_argument("--width", type=float, default=1.0)
    ap.add_argument("--hidden", type=int, default=96)
    ap.add_argument("--head", choices=["lstm", "hybrid"], default="lstm")
    ap.add_argument("--init", default=None, help="start from these weights (.pt state_dict), e.g. a "
                    "second phase on freshly rendered data; optimiser and schedule start fresh")
    ap.add_argument("--extra-data", nargs="*", default=[], help="more cached data sets (.npz from "
                    "another --work/--seed) to train on as well")
    ap.add_argument("--data-only", action="store_true", help="render/cache the data set and exit")
    ap.add_argument("--stop-after", type=int, default=0, help="checkpoint and exit after this many steps "
                    "in this process (the next run resumes)")
    ap.add_argument("--out", default=None, help="final weights (.pt state_dict); default <work>/final.pt")
    args = ap.parse_args(argv)

    os.makedirs(args.work, exist_ok=True)
    log = log_to(os.path.join(args.work, "train.log"))
    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    log("args %s device %s" % (json.dumps(vars(args)), device))

    t0 = time.time()
    real_items = data.load_real_crops(args.crops_dir) if args.real_repeats > 0 else []
    ds = data.build_dataset(args.seed, args.synth, args.real_repeats, procs=args.procs,
                            two_row_frac=args.two_row_frac, cache_dir=args.work, real_items=real_items, log=log)
    t_data = time.time() - t0
    log("dataset: %d synthetic, %d real-augmented in %.1f s" % (len(ds["y_synth"]), len(ds["y_real"]), t_data))
    if args.data_only:
        return None, {"steps": 0, "data_minutes": round(t_data / 60, 2)}
    for p in args.extra_data:
        z = np.load(p, allow_pickle=False)
        for k in ("x_synth", "x_real"):
            ds[k] = np.concatenate([ds[k], z[k]])
        ds["y_synth"] = list(ds["y_synth"]) + list(z["y_synth"])
        ds["y_real"] = list(ds["y_real"]) + list(z["y_real"])
        log("extra data %s: now %d synthetic, %d real" % (p, len(ds["y_synth"]), len(ds["y_real"])))
    xs, ys = torch.from_numpy(ds["x_synth"]), ds["y_synth"]
    xr, yr = torch.from_numpy(ds["x_real"]), ds["y_real"]

    dev = None
    if args.eval_every and os.path.exists(os.path.join(args.dev_dir, "dataset.jsonl")):
        dev = data.dev_crops(args.dev_dir)

    model = PlateCRNN(args.width, args.hidden, args.head).to(device)
    if args.init:
        model.load_state_dict(torch.load(args.init, map_location=device))
        log("initialised from %s" % args.init)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=max(2, args.steps),
                                                pct_start=args.warmup, div_factor=20, final_div_factor=200)
    ctc = nn.CTCLoss(blank=0, zero_infinity=True)
    gen = torch.Generator().manual_seed(args.seed)
    step, train_s = 0, 0.0
    ckpt_path = os.path.join(args.work, "ckpt.pt")
    if os.path.exists(ckpt_path):
        ck = torch.load(ckpt_path, map_location=device)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        sched.load_state_dict(ck["sched"])
        gen.set_state(ck["gen"])
        step, train_s = ck["step"], ck.get("train_s", 0.0)
        log("resumed from step %d" % step)

    n_real = int(round(args.batch * args.real_frac)) if len(yr) else 0
    n_syn = args.batch - n_real
    model.train()
    t_last, loss_avg = time.time(), None
    start_step = step
    while step < args.steps:
        si = torch.randint(0, len(ys), (n_syn,), generator=gen)
        xb = [xs[si]]
        tb = [ys[i] for i in si.tolist()]
        if n_real:
            ri = torch.randint(0, len(yr), (n_real,), generator=gen)
            xb.append(xr[ri])
            tb += [yr[i] for i in ri.tolist()]
        x = online_aug(torch.cat(xb), gen).to(device)
        targets, lengths = encode_labels(tb)
        logp = model(x).log_softmax(-1).permute(1, 0, 2)  # T, N, C
        inp_len = torch.full((x.shape[0],), logp.shape[0], dtype=torch.long)
        loss = ctc(logp.float().cpu() if device.type == "cpu" else logp, targets.to(device), inp_len, lengths)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        sched.step()
        step += 1
        now = time.time()
        train_s += now - t_last
        t_last = now
        loss_avg = loss.item() if loss_avg is None else 0.98 * loss_avg + 0.02 * loss.item()
        if step % 50 == 0 or step == args.steps:
            log("step %d/%d loss %.3f lr %.2e elapsed %.1f min" % (step, args.steps, loss_avg,
                                                                   sched.get_last_lr()[0], train_s / 60))
        if step % args.ckpt_every == 0 or step == args.steps:
            tmp = ckpt_path + ".tmp"
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                        "gen": gen.get_state(), "step": step, "train_s": train_s}, tmp)
            os.replace(tmp, ckpt_path)
        if dev is not None and (step % args.eval_every == 0 or step == args.steps):
            res, _ = evaluate(model, dev[0], dev[1], dev[2], device)
            log("eval step %d dev exact %s" % (step, json.dumps({k: round(v, 1) for k, v in res.items()})))
            torch.save(model.state_dict(), os.path.join(args.work, "step%05d.pt" % step))
            t_last = time.time()
        if args.stop_after and step - start_step >= args.stop_after and step < args.steps:
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(),
                        "gen": gen.get_state(), "step": step, "train_s": train_s}, ckpt_path)
            log("stopping after %d steps at step %d (resume by running again)" % (args.stop_after, step))
            return model, {"steps": step, "stopped": True}

    out = args.out or os.path.join(args.work, "final.pt")
    torch.save(model.state_dict(), out)
    meta = {"steps": step, "train_minutes": round(train_s / 60, 2), "data_minutes": round(t_data / 60, 2),
            "width": args.width, "hidden": args.hidden, "head": args.head, "seed": args.seed, "device": str(device)}
    with open(os.path.join(args.work, "train_meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
    log("done: %s -> %s" % (json.dumps(meta), out))
    return model, meta


if __name__ == "__main__":
    main()
