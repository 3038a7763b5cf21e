"""Pipeline tests for platewise-rec training code: renderer, a few training steps on tiny data,
ONNX export. Run with:  /usr/bin/python3 models/training/tests/test_pipeline.py
(or /usr/bin/python3 -m unittest discover -s models/training/tests -v)
"""
import os
import random
import sys
import tempfile
import unittest

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import data  # noqa: E402
import render  # noqa: E402


class RendererTest(unittest.TestCase):
    def test_every_region_renders_valid_text(self):
        rng = random.Random(0)
        for region in render.RENDERERS:
            for two_row in (0.0, 1.0):
                plate, text = render.render_plate(rng, region, two_row_frac=two_row)
                self.assertTrue(4 <= len(text) <= 8, (region, text))
                self.assertTrue(all(c in render.ALPHABET for c in text), (region, text))
                x = render.to_input(render.augment_scene(rng, plate))
                self.assertEqual(x.shape, (32, 128))
                self.assertEqual(x.dtype, np.uint8)
                self.assertGreater(float(x.std()), 1.0)  # not blank

    def test_us_serials_leave_out_i_o_q(self):
        import render_plates
        rng = random.Random(0)
        letters = "".join(c for _ in range(200) for c in render_plates.render_us(rng)[1] if c.isalpha())
        # only vanity plates (any character) may hold them: well under the 3 in 26 of all letters
        self.assertLess(sum(letters.count(c) for c in "IOQ") / len(letters), 0.04)

    def test_deterministic_for_a_seed(self):
        a = data._synth_chunk((5, 3, 0.0))
        b = data._synth_chunk((5, 3, 0.0))
        self.assertEqual(a[1], b[1])
        self.assertTrue(np.array_equal(a[0], b[0]))


class DevCropsTest(unittest.TestCase):
    def _dev_dir(self, td):
        from PIL import Image
        os.makedirs(os.path.join(td, "images"))
        rng = np.random.default_rng(0)
        Image.fromarray(rng.integers(0, 255, (120, 240, 3), np.uint8)).save(os.path.join(td, "images", "a.png"))
        with open(os.path.join(td, "dataset.jsonl"), "w") as f:
            f.write('{"image": "images/a.png", "set": "br", "plate": "ABC-1234", '
                    '"box": {"xmin": 60, "ymin": 40, "xmax": 180, "ymax": 80}}\n')
        return td

    def test_tta_variants_crop_each_plate_several_times(self):
        with tempfile.TemporaryDirectory() as td:
            dev = self._dev_dir(td)
            x, labels, sets = data.dev_crops(dev)
            self.assertEqual((x.shape, labels, sets), ((1, 32, 128), ["ABC1234"], ["br"]))
            self.assertEqual(data.tta_variants(), [(0.15, 0.0, 0.0), (0.10, 0.0, 0.0), (0.20, 0.0, 0.0)])
            vs = data.tta_variants(data.TTA_PADS, data.TTA_SHIFT_DX, data.TTA_SHIFT_DY)
            self.assertEqual((len(vs), vs[0]), (27, (0.15, 0.0, 0.0)))
            xv, _, _ = data.dev_crops(dev, variants=vs)
            self.assertEqual(xv.shape, (27, 32, 128))
            self.assertTrue(np.array_equal(xv[0], x[0]))  # the plain crop comes first
            self.assertFalse(np.array_equal(xv[1], x[0]))

    def test_tta_of_identical_crops_reads_like_one(self):
        import shutil
        import evaluate
        onnx = os.path.join(data.REPO, "models", "plate-recognizer", "platewise-rec-v1.onnx")
        if not shutil.which("node") or not os.path.exists(onnx):
            self.skipTest("needs node and the shipped ONNX")
        rng = random.Random(3)
        crops = [render.to_input(render.augment_scene(rng, render.render_plate(rng, r)[0])) for r in ("br_old", "us")]
        x = np.stack(crops)
        try:
            one = evaluate.eval_onnx(onnx, x, ["A", "B"], ["br", "us"])
        except Exception as e:  # onnxruntime-node not installed
            self.skipTest(str(e))
        vs = [(0.15, 0.0, 0.0)] * 3
        tta = evaluate.eval_onnx(onnx, np.repeat(x, 3, axis=0), ["A", "B"], ["br", "us"], variants=vs,
                                 syntax=evaluate.SYNTAX)
        self.assertEqual(tta["predictions"], one["predictions"])
        self.assertIn("ms_per_plate_median", tta)
        self.assertIn("br", tta["exact_syntax"])


class TrainSmokeTest(unittest.TestCase):
    def test_few_training_steps_and_export(self):
        import torch
        import export_onnx
        import train
        from model import greedy_decode, encode_labels
        tg, ln = encode_labels(["AB1", "Z9"])
        self.assertEqual(tg.tolist(), [11, 12, 2, 36, 10])
        self.assertEqual(ln.tolist(), [3, 2])
        with tempfile.TemporaryDirectory() as td:
            crops = data.CROPS_DIR if os.path.exists(os.path.join(data.CROPS_DIR, "labels.csv")) else None
            argv = ["--work", td, "--synth", "48", "--real-repeats", "1" if crops else "0", "--steps", "4",
                    "--batch", "8", "--procs", "1", "--eval-every", "0", "--ckpt-every", "2", "--width", "0.5",
                    "--hidden", "32"]
            if crops:
                # a handful of real crops only
                items = data.load_real_crops(crops)[:6]
                orig = data.load_real_crops
                data.load_real_crops = lambda *_a, **_k: items
            try:
                model, meta = train.main(argv + ["--stop-after", "2"])
            finally:
                if crops:
                    data.load_real_crops = orig
            self.assertEqual(meta["steps"], 2)
            self.assertTrue(os.path.exists(os.path.join(td, "ckpt.pt")))
            # resume from the checkpoint at step 2 and finish
            model2, meta2 = train.main(argv)
            self.assertEqual(meta2["steps"], 4)
            for p in model2.parameters():
                self.assertTrue(torch.isfinite(p).all())
            out = os.path.join(td, "m.onnx")
            export_onnx.export(os.path.join(td, "final.pt"), out, os.path.join(td, "fx.json"), 0.5, 32)
            self.assertGreater(os.path.getsize(out), 10000)
            x = torch.zeros(2, 1, 32, 128)
            with torch.no_grad():
                y = model2(x)
            self.assertEqual(tuple(y.shape), (2, 32, 37))
            self.assertEqual(len(greedy_decode(y)), 2)

    def test_hybrid_head_shapes(self):
        import torch
        from model import PlateCRNN
        m = PlateCRNN(0.5, 32, "hybrid").eval()
        with torch.no_grad():
            self.assertEqual(tuple(m(torch.zeros(1, 1, 32, 128)).shape), (1, 32, 37))


if __name__ == "__main__":
    # python3 models/training/tests/test_pipeline.py  -> ends with "training: N passed, M failed"
    result = unittest.main(exit=False, verbosity=2).result
    bad = len(result.failures) + len(result.errors)
    print("training: %d passed, %d failed, %d skipped" % (result.testsRun - bad - len(result.skipped), bad,
                                                         len(result.skipped)))
    sys.exit(1 if bad else 0)
