"""US state of a plate from its look (platewise-state-v1): a linear head on frozen MobileNetV2
features of the whole plate, trained on the state-labelled ../shared/alpr-crops-us (never the dev
photos). Features come from vehicle_features.mjs --states; the head's form is picked by 5-fold
cross-validation (folds by plate text, so a plate's views stay together), its softmax temperature
fitted on the out-of-fold logits. Output `state` over libs/engine/src/plates/plate-state.ts's
US_STATES order.

    /usr/bin/python3 models/training/train_state.py --work /tmp/platewise-vehicle \
        --out models/vehicle-attributes/platewise-state-v1.onnxpatch
"""
import argparse
import json
import os
import time
import zlib

import numpy as np

from train_vehicle import fit_heads
from vehicle_graph import heads_patch

US_STATES = (
    "ak al ar az ca co ct dc de fl ga hi ia id il in ks ky la ma md me mi mn mo ms mt nc nd ne nh nj "
    "nm nv ny oh ok or pa ri sc sd tn tx ut va vt wa wi wv wy"
).split()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default="/tmp/platewise-vehicle")
    ap.add_argument("--out", default="models/vehicle-attributes/platewise-state-v1.onnxpatch")
    ap.add_argument("--metrics", default="models/vehicle-attributes/metrics-state-v1.json")
    # the winner of a CV over 128:1e-2:0.5, 256:1e-2:0.5, 256:1e-3:0.5, 256:1e-2:0.5:early (model card)
    ap.add_argument("--forms", default="256:1e-2:0.5")
    args = ap.parse_args()
    t0 = time.time()
    meta = json.load(open(os.path.join(args.work, "states.json")))
    feats = np.fromfile(os.path.join(args.work, "states.f32"), dtype=np.float32).reshape(len(meta), 1280)
    early = np.fromfile(os.path.join(args.work, "states.early.f32"), dtype=np.float32).reshape(len(meta), -1)
    views = np.array([m["view"] for m in meta])
    tr = np.ones(len(meta), bool)
    plain = views == "plain"
    folds = np.array([zlib.crc32(m["plate"].encode()) % 5 for m in meta])
    labels = {"state": np.array([US_STATES.index(m["state"]) for m in meta])}
    fitted = fit_heads(feats, early, labels, tr, plain, {"state": tr}, folds, {"state": US_STATES},
                       args.forms.split(","), plain, unknown_last=False, log=lambda m: print(m, flush=True))
    layers, inputs, rep, _ = fitted["state"]
    rep["crops"] = int(plain.sum())
    rep["rows"] = len(meta)
    rep["cpu_seconds"] = round(time.time() - t0, 1)
    open(args.out, "wb").write(heads_patch({"state": {"inputs": inputs, "layers": layers}}))
    json.dump(rep, open(args.metrics, "w"), indent=1)
    print(json.dumps(rep))


if __name__ == "__main__":
    main()
