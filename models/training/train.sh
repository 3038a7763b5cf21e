#!/usr/bin/env bash
# Reproduces models/plate-recognizer/platewise-rec-v1.onnx from scratch (fixed seed):
# render + augment the training set, train, export to ONNX (opset 13) with its parity fixture,
# and score it on the padded dev crops.
#
#   bash models/training/train.sh                      # CPU or CUDA, whichever torch finds
#   PLATEWISE_TRAIN_WORK=/data/run1 bash models/training/train.sh --procs 16   # extra args go to phase 1
#
# Needs: /usr/bin/python3 with python3-torch python3-pil python3-numpy python3-onnx (Debian) and the
# font packages listed in models/training/README.md; evaluation needs node + onnxruntime-node.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${PLATEWISE_TRAIN_WORK:-/tmp/platewise-train}
PY=${PYTHON:-/usr/bin/python3}
OUT=${PLATEWISE_REC_OUT:-models/plate-recognizer/platewise-rec-v1.onnx}
mkdir -p "$WORK"
start=$(date +%s)
# phase 1: 2000 steps from scratch on data seed 1234 (OneCycle to 2e-3)
"$PY" models/training/train.py --work "$WORK" --seed 1234 --synth 40000 --real-repeats 20 \
  --steps 2000 --lr 2e-3 --warmup 0.1 "$@"
# phase 2: 2000 more steps on freshly rendered data (seed 1235) plus phase 1's (OneCycle to 1e-3)
"$PY" models/training/train.py --work "$WORK/phase2" --seed 1235 --synth 40000 --real-repeats 20 \
  --init "$WORK/final.pt" --extra-data "$WORK/data_s1234_n40000_r20_t0.npz" \
  --steps 2000 --lr 1e-3 --warmup 0.05
"$PY" models/training/export_onnx.py --weights "$WORK/phase2/final.pt" --out "$OUT" \
  --fixture "${OUT%.onnx}.parity.json"
echo "wall time: $(( ($(date +%s) - start) / 60 )) min (data + training + export)"
if node models/training/parity.mjs "$OUT" "${OUT%.onnx}.parity.json"; then
  "$PY" models/training/evaluate.py --onnx "$OUT" --json "$WORK/metrics.json"
else
  echo "onnxruntime-node not available: skipped parity and dev evaluation" >&2
fi
