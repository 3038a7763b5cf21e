"""Fine-tune the CCT-XS plate recogniser (platewise-rec-v2) from the published cct_xs_v1_global weights.

    /usr/bin/python3 models/training/train_cct.py --work /tmp/platewise-cct            # full run
    /usr/bin/python3 models/training/train_cct.py --work /tmp/x --steps 3 --synth 16 --repeats-real 1 \
        --repeats-pseudo 0 --limit-items 40 --batch 8                                     # smoke run

On a machine with a GPU add `--device cuda` (or `auto`): the model, the teacher and the optimiser
run there; the data cache, the on-line augmentation and the random streams stay on the CPU, and
every saved weight is a CPU tensor, so export_cct.py and a resume work on any machine.

Loss: per-slot cross-entropy (label smoothing --label-smoothing, default 0.01) weighted per sample (real 1.0, agreed 0.9,
synthetic 0.6, pseudo 0.5) + 0.2 x region cross-entropy (+ --distill x KL from the published reader's slots). AdamW, cosine with warm-up, EMA of the
weights (the EMA is what is evaluated and shipped). Writes <work>/ckpt.pt every --ckpt-every steps
(resumes from it), <work>/best.pt (best validation exact-match, EMA) and <work>/metrics.jsonl
(loss, validation and -- for monitoring only, never for selection -- the dev crops).
"""
from __future__ import annotations

import argparse
import copy
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cct  # noqa: E402
import cct_data  # noqa: E402

PUBLISHED = os.path.join(cct_data.SHARED, "models", "cct_xs_v1_global.onnx")
US = cct.REGIONS.index("us")


def online_aug(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """uint8 [N,64,128,3] -> float 0-255 with small affine jitter, colour, grey, noise, occlusion."""
    n = x.shape[0]
    xf = x.float().permute(0, 3, 1, 2)
    r = lambda *s: torch.rand(*s, generator=gen)  # noqa: E731
    ang = (r(n) - 0.5) * math.radians(10)
    s = 1 + (r(n) - 0.5) * 0.16
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = s * torch.cos(ang)
    theta[:, 0, 1] = -s * torch.sin(ang) * 0.5 + (r(n) - 0.5) * 0.15  # rotation (aspect 2:1) + shear
    theta[:, 1, 0] = s * torch.sin(ang) * 2
    theta[:, 1, 1] = s * torch.cos(ang)
    theta[:, 0, 2] = (r(n) - 0.5) * 0.08
    theta[:, 1, 2] = (r(n) - 0.5) * 0.12
    grid = F.affine_grid(theta, xf.shape, align_corners=False)
    xf = F.grid_sample(xf, grid, padding_mode="border", align_corners=False)
    grey = r(n) < 0.1
    xf[grey] = xf[grey].mean(1, keepdim=True).expand(-1, 3, -1, -1)
    xf = (xf - 128) * (1 + (r(n, 1, 1, 1) - 0.5) * 0.4) + 128 + (r(n, 1, 1, 1) - 0.5) * 40
    xf = xf * (1 + (r(n, 3, 1, 1) - 0.5) * 0.2)
    noisy = (r(n) < 0.3).float()[:, None, None, None]
    xf = xf + noisy * torch.randn(xf.shape, generator=gen) * (r(n, 1, 1, 1) * 10)
    for i in torch.nonzero(r(n) < 0.15).flatten().tolist():  # small occlusion (bolt, dirt, sticker)
        h, w = int(4 + r(1) * 10), int(4 + r(1) * 14)
        y0, x0 = int(r(1) * (64 - h)), int(r(1) * (128 - w))
        xf[i, :, y0:y0 + h, x0:x0 + w] = r(3, 1, 1) * 255
    return xf.clamp(0, 255).permute(0, 2, 3, 1)


def distill_loss(logits: torch.Tensor, teacher_logits: torch.Tensor, labels: torch.Tensor = None,
                 keep: torch.Tensor = None) -> torch.Tensor:
    """Mean per-slot KL(teacher || model) over [N, slots, classes] logits. With labels [N, slots],
    only crops the teacher reads right count (the others still weigh in the mean as zero), so the
    model keeps the teacher's slots where it is right without being pulled toward its misreads.
    keep [N] (bool) leaves out whole crops the same way (e.g. the US ones, --distill-skip-us)."""
    target = torch.softmax(teacher_logits, -1)
    kl = F.kl_div(F.log_softmax(logits, -1), target, reduction="none").sum(-1).mean(1)
    if labels is not None:
        kl = kl * (teacher_logits.argmax(-1) == labels).all(1)
    if keep is not None:
        kl = kl * keep
    return kl.mean()


@torch.no_grad()
def read(model, x_u8, batch=256):
    model.eval()
    device = next(model.parameters()).device
    texts, regions = [], []
    for i in range(0, len(x_u8), batch):
        lg, rg = model(torch.from_numpy(x_u8[i:i + batch]).to(device))
        lg, rg = lg.cpu(), (rg.cpu() if rg is not None else None)
        texts += [cct.decode(p) for p in lg]
        if rg is not None:
            regions += [cct.REGIONS[j] for j in rg.argmax(-1).tolist()]
    return texts, regions


def score(preds, labels, sets):
    out = {}
    for s in sorted(set(sets)) + ["all"]:
        idx = [i for i, v in enumerate(sets) if s == "all" or v == s]
        out[s] = round(100.0 * sum(preds[i] == labels[i] for i in idx) / max(1, len(idx)), 2)
    return out


def evaluate(model, xv, yv, sv, dev, step, t0):
    pv, rv = read(model, xv)
    rec = {"step": step, "val": score(pv, yv, sv), "minutes": round((time.time() - t0) / 60, 2),
           "val_region": round(100.0 * np.mean([p == s for p, s in zip(rv, sv)]), 2) if rv else None}
    if dev is not None:
        pd, _ = read(model, dev[0])
        rec["dev_monitor"] = score(pd, dev[1], dev[2])
    return rec


def on_cpu(state: dict) -> dict:
    """A state dict with CPU tensors: weights trained on a GPU export and resume on any machine."""
    return {k: v.cpu() for k, v in state.items()}


def lr_at(step, steps, lr, warmup):
    w = max(1, int(steps * warmup))
    if step < w:
        return lr * (step + 1) / w
    return lr * 0.5 * (1 + math.cos(math.pi * (step - w) / max(1, steps - w)))


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/platewise-cct")
    ap.add_argument("--init", default=PUBLISHED,
                    help="published ONNX whose weights start the fine-tune, or a .pt of this script (a warm start, "
                         "e.g. a reader recovered from a shipped file by export_cct.py --recover)")
    cct_data.add_data_args(ap)
    ap.add_argument("--steps", type=int, default=700)
    ap.add_argument("--batch", type=int, default=48)
    ap.add_argument("--lr", type=float, default=2e-4)
    ap.add_argument("--wd", type=float, default=5e-4)
    ap.add_argument("--warmup", type=float, default=0.05)
    ap.add_argument("--ema", type=float, default=0.998)
    ap.add_argument("--distill", type=float, default=0.0,
                    help="weight of KL(published reader || model) per slot: keeps what the published reader reads")
    ap.add_argument("--distill-where-right", action="store_true",
                    help="distil only on crops the published reader reads right")
    ap.add_argument("--distill-skip-us", action="store_true",
                    help="no distillation on US crops: the published reader's US look-alikes (O for 0, I for 1) "
                         "are what the fine-tune has to unlearn")
    ap.add_argument("--label-smoothing", type=float, default=0.01,
                    help="higher keeps the slots softer, so the engine's format prior can still overrule them")
    ap.add_argument("--head-lr-mult", type=float, default=20.0)
    ap.add_argument("--synth-share", type=float, default=0.25, help="share of synthetic samples per batch")
    ap.add_argument("--freeze-convs", type=int, default=4, help="keep the first N convolutions fixed")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda", "auto"],
                    help="where the model trains (auto: cuda when one is there); the data, its "
                         "augmentation and their random streams stay on the CPU, so a run's batches "
                         "are the same on either")
    ap.add_argument("--eval-every", type=int, default=100)
    ap.add_argument("--ckpt-every", type=int, default=50)
    ap.add_argument("--no-dev", action="store_true", help="skip the dev-crop monitoring")
    a = ap.parse_args(argv)
    torch.set_num_threads(a.threads)
    device = torch.device("cuda" if a.device == "auto" and torch.cuda.is_available() else
                          "cpu" if a.device == "auto" else a.device)
    os.makedirs(a.work, exist_ok=True)
    mlog = os.path.join(a.work, "metrics.jsonl")

    def log(msg, **rec):
        print("[%s] %s" % (time.strftime("%H:%M:%S"), msg), flush=True)
        if rec:
            with open(mlog, "a") as f:
                f.write(json.dumps(rec) + "\n")

    t0 = time.time()
    d, val_items = cct_data.training_set(a, log)
    is_synth = d["weight"] == cct_data.WEIGHT["synthetic"]
    real_idx, synth_idx = np.nonzero(~is_synth)[0], np.nonzero(is_synth)[0]
    xv, yv, sv = cct_data.val_arrays(val_items)
    dev = None if a.no_dev else cct_data.dev_crops()
    log("data: %d real-augmented, %d synthetic, %d validation crops (%.0f s); device %s"
        % (len(real_idx), len(synth_idx), len(yv), time.time() - t0, device))

    torch.manual_seed(a.seed)
    model = cct.CCT()
    if a.init.endswith(".pt"):
        st = torch.load(a.init, map_location="cpu")
        model.load_state_dict(st["ema"] if "ema" in st else st)
    elif a.init:
        cct.load_onnx_weights(model, a.init)
    model.freeze_convs(a.freeze_convs)
    model.to(device)
    ema = copy.deepcopy(model)
    teacher = cct.load_published_reader(a.init if a.init.endswith(".onnx") else PUBLISHED).to(device) \
        if a.distill and a.init else None
    head = [q for n, q in model.named_parameters() if n.startswith("region.")]
    body = [q for n, q in model.named_parameters() if q.requires_grad and not n.startswith("region.")]
    # the region head starts from scratch: it learns at head_lr_mult x the fine-tune's rate
    opt = torch.optim.AdamW([{"params": body, "mult": 1.0}, {"params": head, "mult": a.head_lr_mult}],
                            lr=a.lr, weight_decay=a.wd)
    start, best = 0, -1.0
    ck = os.path.join(a.work, "ckpt.pt")
    if os.path.exists(ck):
        st = torch.load(ck, map_location=device)
        model.load_state_dict(st["model"])
        ema.load_state_dict(st["ema"])
        opt.load_state_dict(st["opt"])
        start, best = st["step"], st["best"]
        log("resumed at step %d" % start)
    gen = torch.Generator().manual_seed(a.seed + start)
    rng = np.random.default_rng(a.seed + start)
    n_synth = int(round(a.batch * a.synth_share)) if len(synth_idx) else 0
    if start == 0:  # the starting point: the published weights as loaded
        rec = evaluate(ema, xv, yv, sv, dev, 0, t0)
        log("eval %s" % json.dumps(rec), **rec)
    step_t = time.time()
    for step in range(start, a.steps):
        model.train()
        idx = np.concatenate([rng.choice(real_idx, a.batch - n_synth), rng.choice(synth_idx, n_synth)]) \
            if n_synth else rng.choice(real_idx, a.batch)
        x = online_aug(torch.from_numpy(d["x"][idx]), gen).to(device)
        y = torch.from_numpy(d["y"][idx]).to(device)
        w = torch.from_numpy(d["weight"][idx]).to(device)
        for g in opt.param_groups:
            g["lr"] = lr_at(step, a.steps, a.lr, a.warmup) * g["mult"]
        logits, region = model(x)
        ce = F.cross_entropy(logits.reshape(-1, len(cct.ALPHABET)), y.reshape(-1), label_smoothing=a.label_smoothing,
                             reduction="none").reshape(-1, cct.SLOTS).mean(1)
        loss = (ce * w).sum() / w.sum()
        rl = F.cross_entropy(region, torch.from_numpy(d["region"][idx]).to(device))
        total = loss + 0.2 * rl
        if teacher is not None:
            with torch.no_grad():
                teacher_logits = teacher(x)[0]
            keep = torch.from_numpy(d["region"][idx] != US).to(device) if a.distill_skip_us else None
            total = total + a.distill * distill_loss(logits, teacher_logits, y if a.distill_where_right else None, keep)
        opt.zero_grad()
        total.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 2.0)
        opt.step()
        with torch.no_grad():
            decay = min(a.ema, (1 + step - start) / (10 + step - start))
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.mul_(decay).add_(pm.detach(), alpha=1 - decay)
        done = step + 1
        if done % 20 == 0:
            log("step %d loss %.4f region %.3f lr %.2e %.2f s/step" % (done, loss.item(), rl.item(),
                opt.param_groups[0]["lr"], (time.time() - step_t) / 20),
                step=done, loss=round(loss.item(), 5), region_loss=round(rl.item(), 4),
                s_per_step=round((time.time() - step_t) / 20, 3), minutes=round((time.time() - t0) / 60, 2))
            step_t = time.time()
        if done % a.eval_every == 0 or done == a.steps:
            rec = evaluate(ema, xv, yv, sv, dev, done, t0)
            val = rec["val"]
            if val["all"] > best:
                best = val["all"]
                torch.save({"ema": on_cpu(ema.state_dict()), "step": done, "val": val},
                           os.path.join(a.work, "best.pt"))
            log("eval %s" % json.dumps(rec), **rec)
        if done % a.ckpt_every == 0 or done == a.steps:
            torch.save({"model": on_cpu(model.state_dict()), "ema": on_cpu(ema.state_dict()),
                        "opt": opt.state_dict(), "step": done, "best": best}, ck + ".tmp")
            os.replace(ck + ".tmp", ck)
    torch.save({"ema": on_cpu(ema.state_dict()), "step": a.steps}, os.path.join(a.work, "final.pt"))
    log("done: %d steps, %.1f min" % (a.steps, (time.time() - t0) / 60), done=True,
        minutes=round((time.time() - t0) / 60, 2), best_val=best)


if __name__ == "__main__":
    main()
