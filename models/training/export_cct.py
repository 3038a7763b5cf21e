"""Export fine-tuned CCT weights (platewise-rec-v2) to ONNX and write the torch-side parity fixture.

    /usr/bin/python3 models/training/export_cct.py --weights /tmp/platewise-cct/best.pt \
        --out models/plate-recognizer/platewise-rec-v2.onnx \
        --fixture models/plate-recognizer/platewise-rec-v2.parity.json

The ONNX file takes what the published cct_xs_v1_global takes (input `input`, uint8 [N,64,128,3],
RGB) and returns `slots` [N,9,37] (per-slot softmax over 0-9A-Z and the pad `_`) and `region`
[N,5] (softmax over cct.REGIONS). The fixture holds fixed uint8 inputs (two integer patterns that
parity.mjs recomputes, one rendered plate stored as base64) and the torch outputs for them.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import random
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import cct  # noqa: E402
import render  # noqa: E402


class Exported(torch.nn.Module):
    """The graph that is shipped: slot and region probabilities. With `partners` (other fine-tunes
    or the published weights) the slot probabilities are the mean of all models' (an ensemble in
    one file); the region comes from `model`'s head. With `us_expert` (a fine-tune trained for US
    plates) the slots are a mixture gated by that head: P(us) x the expert's slots + (1 - P(us)) x
    the others'. A round glyph is a 0 on most US plates and an O on many European ones, which one
    set of weights distilled toward the published reader cannot learn both ways; the head can tell
    the plates apart."""

    def __init__(self, model: cct.CCT, partners=(), us_expert: cct.CCT | None = None):
        super().__init__()
        self.model = model
        self.partners = torch.nn.ModuleList(partners)
        self.us_expert = us_expert

    def forward(self, x):
        logits, region = self.model(x)
        slots = torch.softmax(logits, -1)
        for p in self.partners:
            slots = slots + torch.softmax(p(x)[0], -1)
        slots = slots / (1 + len(self.partners))
        region = torch.softmax(region, -1)
        if self.us_expert is not None:
            us = region[:, cct.REGIONS.index("us"), None, None]
            slots = us * torch.softmax(self.us_expert(x)[0], -1) + (1 - us) * slots
        return slots, region


class RegionOnly(torch.nn.Module):
    """The region classifier alone (platewise-region-v1): the encoder and the region head, no slots."""

    def __init__(self, model: cct.CCT):
        super().__init__()
        self.model = model

    def forward(self, x):
        _, tokens = self.model.features(x)
        return torch.softmax(self.model.region(tokens.mean(1)), -1)


def export_region(model: cct.CCT, out: str):
    wrapped = RegionOnly(model.eval())
    torch.onnx.export(wrapped, torch.zeros(1, cct.IN_H, cct.IN_W, 3, dtype=torch.uint8), out, opset_version=13,
                      input_names=["input"], output_names=["region"], do_constant_folding=True,
                      dynamic_axes={"input": {0: "batch"}, "region": {0: "batch"}})
    import onnx
    m = onnx.load(out)
    onnx.checker.check_model(m)
    p = m.metadata_props.add()
    p.key, p.value = "regions", ",".join(cct.REGIONS)
    onnx.save(m, out)
    return out, wrapped


def pattern_input(k: int) -> np.ndarray:
    """Deterministic uint8 [64,128,3] image from integer arithmetic (parity.mjs computes the same)."""
    y, x, c = np.meshgrid(np.arange(cct.IN_H), np.arange(cct.IN_W), np.arange(3), indexing="ij")
    return ((x * (7 + k) + y * (13 + 2 * k) + c * 40 + ((x * y) % (17 + k)) * 5) % 256).astype(np.uint8)


def fixture_inputs(seed: int = 7):
    """[4,64,128,3] uint8: two patterns, then a rendered EU and a rendered Brazilian plate."""
    rng = random.Random(seed)
    plates = []
    for region in ("eu", "br_mercosur"):
        plate, _ = render.render_plate(rng, region)
        im = render.augment_scene(rng, plate, strength=0.3, out_size=(cct.IN_W, cct.IN_H)).convert("RGB")
        plates.append(np.asarray(im, np.uint8))
    return np.stack([pattern_input(0), pattern_input(1)] + plates)


def load_weights(path: str) -> cct.CCT:
    st = torch.load(path, map_location="cpu")
    model = cct.CCT()
    model.load_state_dict(st["ema"] if "ema" in st else st)
    return model.eval()


def load_partner(path: str) -> cct.CCT:
    """A .pt of train_cct.py / wise_ft.py, or a published ONNX file (its text weights)."""
    if path.endswith(".onnx"):
        return cct.load_published_reader(path)
    return load_weights(path)


def _export_graph(wrapped: torch.nn.Module, out: str):
    torch.onnx.export(wrapped, torch.zeros(1, cct.IN_H, cct.IN_W, 3, dtype=torch.uint8), out, opset_version=13,
                      input_names=["input"], output_names=["slots", "region"], do_constant_folding=True,
                      dynamic_axes={"input": {0: "batch"}, "slots": {0: "batch"}, "region": {0: "batch"}})


def recover_pair(onnx_path: str):
    """(general, us_expert) CCT modules rebuilt from a gated file written by export(--us-expert).
    The initialisers of a linear layer are stored transposed under generated names
    (`onnx::MatMul_N`), so the name of each parameter is found by exporting the same graph with
    distinct random weights and matching values; the expert's frozen convolutions equal the general
    model's (stored once), and its region head is not in the file (the gate uses the general's)."""
    import tempfile

    import onnx
    from onnx import numpy_helper

    gen = torch.Generator().manual_seed(0)
    probe = [cct.CCT(), cct.CCT()]
    with torch.no_grad():
        for m in probe:
            for q in m.parameters():
                q.copy_(torch.randn(q.shape, generator=gen))
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "probe.onnx")
        _export_graph(Exported(probe[0].eval(), [], probe[1].eval()), path)
        probe_init = {i.name: numpy_helper.to_array(i) for i in onnx.load(path).graph.initializer}
    shipped = {i.name: numpy_helper.to_array(i) for i in onnx.load(onnx_path).graph.initializer}
    out = [cct.CCT(), cct.CCT()]
    states = [m.state_dict() for m in out]
    for k, m in enumerate(probe):
        for n, q in m.named_parameters():
            v = q.detach().numpy()
            hit = [(name, False) for name, a in probe_init.items() if a.shape == v.shape and np.array_equal(a, v)]
            if v.ndim == 2:
                hit += [(name, True) for name, a in probe_init.items() if a.shape == v.T.shape and np.array_equal(a, v.T)]
            if len(hit) != 1 or hit[0][0] not in shipped:
                if k == 1 and (n.startswith("region.") or n.startswith("convs.")):
                    continue  # not in the file: filled in below
                raise RuntimeError("cannot place %s of model %d (%d matches)" % (n, k, len(hit)))
            a = shipped[hit[0][0]]
            states[k][n] = torch.from_numpy((a.T if hit[0][1] else a).copy())
    for n in states[1]:
        if n.startswith("convs.") and not any(n in x and x.startswith("us_expert.") for x in shipped):
            states[1][n] = states[0][n].clone()
        if n.startswith("region."):
            states[1][n] = states[0][n].clone()
    for m, st in zip(out, states):
        m.load_state_dict(st)
    return out[0].eval(), out[1].eval()


def export(model: cct.CCT, out: str, fixture: str | None = None, partners=(), us_expert: cct.CCT | None = None):
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    wrapped = Exported(model.eval(), [p.eval() for p in partners], us_expert.eval() if us_expert else None)
    _export_graph(wrapped, out)
    import onnx
    m = onnx.load(out)
    onnx.checker.check_model(m)
    for k, v in {"alphabet": cct.ALPHABET, "pad": "_", "regions": ",".join(cct.REGIONS),
                 "input": "uint8 RGB NHWC [N,64,128,3], resized without keeping the aspect ratio"}.items():
        p = m.metadata_props.add()
        p.key, p.value = k, v
    onnx.save(m, out)
    if fixture:
        write_fixture(wrapped, os.path.basename(out), fixture)
    return out


def write_fixture(wrapped: torch.nn.Module, model_name: str, path: str):
    """Torch outputs on fixture_inputs(): `slots` (+ decoded `texts`) and/or `region`."""
    x = fixture_inputs()
    with torch.no_grad():
        y = wrapped(torch.from_numpy(x))
    slots, region = y if isinstance(y, tuple) else (None, y)
    rounded = lambda t: [round(float(v), 7) for v in t.numpy().reshape(-1)]  # noqa: E731
    fx = dict(model=model_name, input_shape=list(x.shape), pattern_inputs=2,
              plates_u8_base64=base64.b64encode(x[2:].tobytes()).decode(), region=rounded(region), tolerance=1e-4)
    if slots is not None:
        fx.update(slots=rounded(slots), texts=[cct.decode(p) for p in slots])
    with open(path, "w") as f:
        json.dump(fx, f)


def main(argv=None):
    ap = argparse.ArgumentParser(description="export platewise-rec-v2 (CCT) to ONNX")
    ap.add_argument("--weights", required=True, help="best.pt / final.pt of train_cct.py, or head.pt")
    ap.add_argument("--out", required=True)
    ap.add_argument("--fixture", help="also write the parity fixture here")
    ap.add_argument("--partner", action="append", default=[],
                    help="average the slots with this model's, a .pt or a published .onnx (repeatable; an ensemble in one file)")
    ap.add_argument("--us-expert", help="a .pt fine-tuned for US plates: its slots where the region head says US")
    ap.add_argument("--region-only", action="store_true", help="export the region classifier alone")
    ap.add_argument("--recover", action="store_true",
                    help="the inverse: read the gated ONNX file --out, write its two readers as --weights "
                         "(general) and --us-expert (.pt), and check them against --fixture")
    a = ap.parse_args(argv)
    if a.recover:
        general, expert = recover_pair(a.out)
        torch.save({"ema": general.state_dict()}, a.weights)
        torch.save({"ema": expert.state_dict()}, a.us_expert)
        if a.fixture:
            with open(a.fixture) as f:
                want = np.array(json.load(f)["slots"], np.float32)
            with torch.no_grad():
                got = Exported(general, [], expert)(torch.from_numpy(fixture_inputs()))[0].numpy().reshape(-1)
            diff = float(np.abs(got - want).max())
            print("recovered; max |slots - fixture| = %.2e" % diff)
            if diff > 1e-4:
                raise SystemExit("recovered weights do not reproduce the fixture")
        return
    if a.region_only:
        out, wrapped = export_region(load_weights(a.weights), a.out)
        if a.fixture:
            write_fixture(wrapped, os.path.basename(out), a.fixture)
        print("exported", out, os.path.getsize(out), "bytes")
        return
    partners = [load_partner(p) for p in a.partner]
    us_expert = load_weights(a.us_expert) if a.us_expert else None
    print("exported", export(load_weights(a.weights), a.out, a.fixture, partners, us_expert),
          os.path.getsize(a.out), "bytes")


if __name__ == "__main__":
    main()
