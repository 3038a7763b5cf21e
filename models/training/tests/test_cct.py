"""CCT recogniser (platewise-rec-v2): torch vs onnxruntime parity on the published weights, the data
split, and a few fine-tuning steps on tiny data with a resume, export and parity of the export.
Run with:  /usr/bin/python3 -m unittest discover -s models/training/tests -v
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import cct  # noqa: E402
import cct_data  # noqa: E402
import export_cct  # noqa: E402

PUBLISHED = os.path.join(cct_data.SHARED, "models", "cct_xs_v1_global.onnx")
RUN_CCT = os.path.join(os.path.dirname(HERE), "run_cct.mjs")
# train_cct.py arguments for a few steps on tiny data (with --work and --steps)
TINY_RUN = ["--synth", "8", "--repeats-real", "1", "--repeats-pseudo", "0", "--limit-items", "24", "--batch", "8",
            "--procs", "1", "--eval-every", "2", "--no-dev", "--threads", "1"]


def onnxruntime(model_path, x):
    """Outputs of `model_path` in onnxruntime-node for uint8 x [N,64,128,3] (name -> array)."""
    with tempfile.NamedTemporaryFile(suffix=".u8") as f:
        f.write(np.ascontiguousarray(x, np.uint8).tobytes())
        f.flush()
        out = subprocess.run(["node", RUN_CCT, model_path, f.name, str(len(x))], check=True,
                             capture_output=True, text=True).stdout
    res = json.loads(out)
    return [np.array(res["result"][k]["data"], np.float32).reshape(res["result"][k]["dims"]) for k in res["outputs"]]


def torch_probs(model, x):
    import torch
    with torch.no_grad():
        logits, region = model.eval()(torch.from_numpy(x))
    return torch.softmax(logits, -1).numpy(), (None if region is None else torch.softmax(region, -1).numpy())


@unittest.skipUnless(os.path.exists(PUBLISHED), "needs ../shared/models/cct_xs_v1_global.onnx")
class PublishedParityTest(unittest.TestCase):
    def test_torch_model_matches_onnxruntime_on_fixed_inputs(self):
        model = cct.load_onnx_weights(cct.CCT(), PUBLISHED)
        x = export_cct.fixture_inputs()
        ours, _ = torch_probs(model, x)
        (theirs,) = onnxruntime(PUBLISHED, x)
        self.assertEqual(theirs.shape, (4, 9, 37))
        self.assertLess(float(np.abs(ours - theirs).max()), 1e-4)
        self.assertEqual([cct.decode(p) for p in ours], [cct.decode(p) for p in theirs])
        # the rendered plates are read as plates (not empty), so the weights are really in place
        self.assertTrue(all(len(cct.decode(p)) >= 4 for p in ours[2:]))


class DataTest(unittest.TestCase):
    def test_lookalike_count_caps_and_ignores_common_glyphs(self):
        self.assertEqual(cct_data.lookalike_count("A1B2C3"), 1)  # B only: 0, 1 and A are left out
        self.assertEqual(cct_data.lookalike_count("L781601"), 3)  # L, 7, 8
        self.assertEqual(cct_data.lookalike_count("7TFPE8B"), 4)

    def test_lookalike_us_renders_draw_their_serials_from_the_lookalike_glyphs(self):
        import random
        import render
        rng = random.Random(1)
        glyphs = (cct_data.LOOKALIKE_LETTERS, cct_data.LOOKALIKE_DIGITS)
        texts = [render.render_us(rng, glyphs=glyphs)[1] for _ in range(12)]
        share = np.mean([c in cct_data.LOOKALIKE_LETTERS + cct_data.LOOKALIKE_DIGITS for t in texts for c in t])
        self.assertGreater(share, 0.8)  # the rest: vanity formats drawn from the whole alphabet

    def test_lookalike_options_off_keep_the_shipped_recipes_data_and_cache_name(self):
        items = [it for it in cct_data.load_items() if it[2] == "us"][:6]
        if not items:
            self.skipTest("needs ../shared/alpr-crops-us")
        with tempfile.TemporaryDirectory() as td:
            base = cct_data.build(items, 3, 1, 0, 2, 0.0, procs=1, cache_dir=td, log=lambda *_: None)
            off = cct_data.build(items, 3, 1, 0, 2, 0.0, procs=1, cache_dir=None, log=lambda *_: None,
                                 lookalike=(0, 0.0, 0.0))
            on = cct_data.build(items, 3, 1, 0, 2, 0.0, procs=1, cache_dir=td, log=lambda *_: None,
                                lookalike=(1, 1.0, 1.0))
            names = sorted(os.listdir(td))
        self.assertTrue(np.array_equal(base["x"], off["x"]))
        self.assertEqual(names[0], "cct_v2_s3_r1_p0_u1_n2_t0_i6.npz")
        self.assertTrue(names[1].endswith("_la1_1_e1.npz"))
        extra = sum(cct_data.lookalike_count(it[1]) for it in items)
        self.assertEqual(len(on["y"]), len(base["y"]) + extra)

    def test_edge_occlusion_hides_one_side_band_and_leaves_the_source(self):
        import random
        im = Image.new("RGB", (200, 100), (255, 255, 255))
        for seed in range(20):
            out = cct_data.edge_occluded(random.Random(seed), im, "ABC1234")
            cols = np.where((np.asarray(out) != 255).any(axis=2).any(axis=0))[0]
            self.assertEqual(out.size, im.size)
            self.assertTrue(cols[0] == 0 or cols[-1] == 199)  # from one side inwards
            self.assertEqual(len(cols), cols[-1] - cols[0] + 1)  # one band
            self.assertLessEqual(len(cols), 0.07 * 200 + 0.6 * 0.9 * 200 / 7 + 2)  # margin + 60 % of a glyph
        self.assertEqual(np.asarray(im).min(), 255)

    def test_encode_pads_to_nine_slots(self):
        self.assertEqual(cct_data.encode("AB1"), [10, 11, 1] + [cct.PAD] * 6)

    def test_split_holds_out_whole_texts_and_never_pseudo_labels(self):
        items = [("a%d" % i, "P%04d" % (i // 3), "br", "pseudo" if i % 5 == 0 else "real", False) for i in range(600)]
        train, val = cct_data.split_items(items)
        self.assertGreater(len(val), 10)
        labelled_train = {it[1] for it in train if it[3] != "pseudo"}
        self.assertFalse(labelled_train & {it[1] for it in val})
        self.assertTrue(all(it[3] != "pseudo" for it in val))
        self.assertEqual(len(train) + len(val), len(items))


@unittest.skipUnless(os.path.exists(PUBLISHED) and os.path.exists(os.path.join(cct_data.US_DIR, "labels.csv")),
                     "needs ../shared/models and ../shared/alpr-crops-us")
class FineTuneSmokeTest(unittest.TestCase):
    def test_few_steps_resume_export_and_parity(self):
        import torch
        import train_cct
        with tempfile.TemporaryDirectory() as td:
            args = ["--work", td] + TINY_RUN + ["--ckpt-every", "2"]
            train_cct.main(args + ["--steps", "2"])
            self.assertEqual(torch.load(os.path.join(td, "ckpt.pt"))["step"], 2)
            train_cct.main(args + ["--steps", "4"])  # resumes at step 2
            with open(os.path.join(td, "metrics.jsonl")) as f:
                recs = [json.loads(line) for line in f]
            self.assertIn(2, [r.get("step") for r in recs if "val" in r])
            self.assertTrue(any(r.get("done") for r in recs))
            model = export_cct.load_weights(os.path.join(td, "best.pt"))
            for p in model.parameters():
                self.assertTrue(torch.isfinite(p).all())
            out = os.path.join(td, "v2.onnx")
            export_cct.export(model, out, os.path.join(td, "v2.parity.json"))
            x = export_cct.fixture_inputs()
            slots, region = onnxruntime(out, x)
            ours_slots, ours_region = torch_probs(model, x)
            self.assertLess(float(np.abs(slots - ours_slots).max()), 1e-4)
            self.assertLess(float(np.abs(region - ours_region).max()), 1e-4)
            self.assertEqual(region.shape, (4, len(cct.REGIONS)))


    def test_distillation_loss_is_zero_on_the_teacher_and_runs_in_training(self):
        import torch
        import train_cct
        t = torch.randn(3, cct.SLOTS, len(cct.ALPHABET))
        self.assertLess(float(train_cct.distill_loss(t, t)), 1e-6)
        self.assertGreater(float(train_cct.distill_loss(torch.randn_like(t), t)), 0.1)
        with tempfile.TemporaryDirectory() as td:
            # --device auto: the GPU where there is one (teacher included), else the CPU
            train_cct.main(["--work", td] + TINY_RUN + ["--steps", "2", "--distill", "1", "--device", "auto"])
            model = export_cct.load_weights(os.path.join(td, "final.pt"))
            self.assertTrue(all(torch.isfinite(p).all() for p in model.parameters()))
            saved = torch.load(os.path.join(td, "final.pt"))["ema"]
            self.assertTrue(all(v.device.type == "cpu" for v in saved.values()))

    def test_distillation_where_right_ignores_the_teachers_misreads(self):
        import torch
        import train_cct
        t = torch.randn(3, cct.SLOTS, len(cct.ALPHABET))
        s = torch.randn_like(t)
        labels = t.argmax(-1)
        labels[2, 0] = (labels[2, 0] + 1) % len(cct.ALPHABET)  # the teacher misreads crop 2
        masked = float(train_cct.distill_loss(s, t, labels))
        self.assertAlmostEqual(masked, float(train_cct.distill_loss(s[:2], t[:2])) * 2 / 3, places=5)
        self.assertLess(masked, float(train_cct.distill_loss(s, t)))
        with tempfile.TemporaryDirectory() as td:
            train_cct.main(["--work", td] + TINY_RUN + ["--steps", "2", "--distill", "1", "--distill-where-right"])
            self.assertTrue(os.path.exists(os.path.join(td, "final.pt")))

    def test_distillation_can_leave_out_whole_crops(self):
        import torch
        import train_cct
        t = torch.randn(3, cct.SLOTS, len(cct.ALPHABET))
        s = torch.randn_like(t)
        keep = torch.tensor([True, True, False])  # crop 2 is a US crop under --distill-skip-us
        masked = float(train_cct.distill_loss(s, t, keep=keep))
        self.assertAlmostEqual(masked, float(train_cct.distill_loss(s[:2], t[:2])) * 2 / 3, places=5)
        with tempfile.TemporaryDirectory() as td:
            train_cct.main(["--work", td] + TINY_RUN + ["--steps", "2", "--distill", "1", "--distill-skip-us"])
            self.assertTrue(os.path.exists(os.path.join(td, "final.pt")))

    def test_exported_ensemble_averages_the_slot_probabilities(self):
        import torch
        torch.manual_seed(3)
        model, partner = cct.CCT(), cct.load_published_reader(PUBLISHED)
        with torch.no_grad():
            for p in model.parameters():  # a model that reads differently from the published one
                p.add_(torch.randn_like(p) * 0.02)
        with tempfile.TemporaryDirectory() as td:
            out = export_cct.export(model, os.path.join(td, "ens.onnx"), partners=[partner])
            x = export_cct.fixture_inputs()
            slots, region = onnxruntime(out, x)
            a, ours_region = torch_probs(model, x)
            b = torch_probs(partner, x)[0]
            self.assertGreater(float(np.abs(a - b).max()), 1e-3)
            self.assertLess(float(np.abs(slots - (a + b) / 2).max()), 1e-4)
            self.assertLess(float(np.abs(region - ours_region).max()), 1e-4)

    def test_us_expert_reads_where_the_region_head_says_us(self):
        import torch
        torch.manual_seed(5)
        general = cct.load_onnx_weights(cct.CCT(), PUBLISHED).eval()  # with a region head, the gate
        expert = cct.load_published_reader(PUBLISHED)
        with torch.no_grad():
            for p in expert.parameters():  # an expert that reads differently from the general model
                p.add_(torch.randn_like(p) * 0.02)
        x = export_cct.fixture_inputs()
        a, b = torch_probs(general, x)[0], torch_probs(expert, x)[0]
        self.assertGreater(float(np.abs(a - b).max()), 1e-3)
        us = cct.REGIONS.index("us")
        with tempfile.TemporaryDirectory() as td:
            for region, want in ((us, b), (cct.REGIONS.index("eu"), a)):
                with torch.no_grad():  # a region head sure of one region whatever the input
                    general.region.weight.zero_()
                    general.region.bias.fill_(-20.0)
                    general.region.bias[region] = 20.0
                out = export_cct.export(general, os.path.join(td, "moe.onnx"), us_expert=expert)
                slots, probs = onnxruntime(out, x)
                self.assertLess(float(np.abs(slots - want).max()), 1e-4)
                self.assertTrue((probs.argmax(-1) == region).all())

    def test_recover_pair_rebuilds_both_readers_of_a_gated_file(self):
        import torch
        torch.manual_seed(9)
        general = cct.load_onnx_weights(cct.CCT(), PUBLISHED)
        expert = cct.load_onnx_weights(cct.CCT(), PUBLISHED)
        with torch.no_grad():  # trained past the 4 frozen convolutions, differently for each reader
            for m in (general, expert):
                for n, p in m.named_parameters():
                    if not any(n.startswith("convs.%d." % i) for i in range(4)):
                        p.add_(torch.randn_like(p) * 0.02)
        with tempfile.TemporaryDirectory() as td:
            out = export_cct.export(general, os.path.join(td, "moe.onnx"), us_expert=expert)
            g, e = export_cct.recover_pair(out)
        for want, got in ((general, g), (expert, e)):
            for n, p in want.state_dict().items():
                if want is expert and n.startswith("region."):
                    continue  # not in the file: the gate is the general model's head
                self.assertTrue(torch.equal(p, got.state_dict()[n]), n)
        x = torch.from_numpy(export_cct.fixture_inputs())
        with torch.no_grad():
            a = export_cct.Exported(general.eval(), [], expert.eval())(x)[0]
            b = export_cct.Exported(g, [], e)(x)[0]
        self.assertTrue(torch.equal(a, b))

    def test_region_head_alone_keeps_the_published_text_weights(self):
        import torch
        import train_region_head
        with tempfile.TemporaryDirectory() as td:
            train_region_head.main(["--work", td, "--synth", "8", "--repeats-real", "1", "--repeats-pseudo", "0",
                                    "--limit-items", "24", "--procs", "1", "--epochs", "2", "--no-dev"])
            model = export_cct.load_weights(os.path.join(td, "head.pt"))
            published = cct.load_onnx_weights(cct.CCT(), PUBLISHED)
            x = export_cct.fixture_inputs()
            self.assertLess(float(np.abs(torch_probs(model, x)[0] - torch_probs(published, x)[0]).max()), 1e-6)
            out, wrapped = export_cct.export_region(model, os.path.join(td, "region.onnx"))
            (region,) = onnxruntime(out, x)
            with torch.no_grad():
                ours = wrapped(torch.from_numpy(x)).numpy()
            self.assertEqual(region.shape, (4, len(cct.REGIONS)))
            self.assertLess(float(np.abs(region - ours).max()), 1e-4)

    def test_soup_and_wise_ft_interpolate_the_reader_and_keep_the_tunes_region_head(self):
        import torch
        import wise_ft
        torch.manual_seed(5)
        published = cct.load_onnx_weights(cct.CCT(), PUBLISHED).state_dict()
        tunes = [{k: v + torch.randn_like(v) * 0.01 if v.is_floating_point() else v for k, v in published.items()}
                 for _ in range(2)]
        mean = wise_ft.soup(tunes)
        self.assertTrue(torch.allclose(mean["cls.weight"], (tunes[0]["cls.weight"] + tunes[1]["cls.weight"]) / 2))
        half = wise_ft.interpolate(published, mean, 0.5)
        self.assertTrue(torch.allclose(half["cls.weight"], (published["cls.weight"] + mean["cls.weight"]) / 2))
        self.assertTrue(torch.equal(half["region.weight"], mean["region.weight"]))  # the published has no head
        self.assertTrue(torch.equal(wise_ft.interpolate(published, mean, 0.0)["pos"], published["pos"]))
        with tempfile.TemporaryDirectory() as td:
            paths = [os.path.join(td, "t%d.pt" % i) for i in range(2)]
            for path, st in zip(paths, tunes):
                torch.save({"ema": st}, path)
            out = os.path.join(td, "wise.pt")
            wise_ft.main(["--weights", paths[0], "--weights", paths[1], "--out", out, "--alphas", "0,1",
                          "--limit-items", "200", "--no-dev", "--threads", "1"])
            picked = torch.load(out)
            want = published if picked["alpha"] == 0 else mean
            self.assertTrue(torch.allclose(picked["ema"]["cls.weight"], want["cls.weight"]))


if __name__ == "__main__":
    if not shutil.which("node"):
        print("node is needed for the onnxruntime side")
    unittest.main(verbosity=2)
