"""Vehicle attribute and state heads (platewise-vehicle-v2, platewise-state-v1): the graph patch
merges into the backbone, the validation folds keep a video's time blocks together, a head fitted
on separable features exports weights that reproduce its answers on the raw 1280 features.
Run with:  /usr/bin/python3 -m unittest discover -s models/training/tests -v
"""
import os
import sys
import unittest

import numpy as np
import onnx

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import train_vehicle  # noqa: E402
import vehicle_graph  # noqa: E402
import white_silver_probe  # noqa: E402

BACKBONE = os.path.join(HERE, "..", "..", "..", "..", "shared", "models", "mobilenetv2-12-int8.onnx")


class VehicleHeadsTest(unittest.TestCase):
    def test_groups_and_folds(self):
        g = train_vehicle.group_of
        self.assertEqual(g("rl_day1_001_00773_0396"), g("rl_day1_001_00800_0100"))  # same 90-s block
        self.assertNotEqual(g("rl_day1_001_00773_0396"), g("rl_day1_002_00773_0396"))  # other video
        self.assertEqual(g("oz_f01008_1225"), g("oz_f01040_0300"))
        self.assertEqual(g("ozv_t0175_0300"), g("ozv_t0005_0280"))
        groups = np.array(["a"] * 5 + ["b"] * 3 + ["c"] * 3 + ["d"] * 2 + ["e"])
        folds = train_vehicle.folds_of(groups, k=3)
        for name in set(groups):
            self.assertEqual(len(set(folds[groups == name])), 1)

    def test_source_weights_even_out_each_cameras_classes(self):
        sources = ["rl"] * 9 + ["rl"] + ["oz"] * 2 + ["oz"] * 2
        y = [1] * 9 + [0] + [0] * 2 + [1] * 2
        w = train_vehicle.source_weights(sources, np.array(y), 1.0)
        self.assertAlmostEqual(float(w.mean()), 1.0, places=5)
        # with power 1 every (camera, class) cell weighs the same in all
        cell = lambda s, c: sum(wi for wi, si, ci in zip(w, sources, y) if si == s and ci == c)
        self.assertAlmostEqual(cell("rl", 1), cell("rl", 0), places=4)
        self.assertAlmostEqual(cell("rl", 1), cell("oz", 0), places=4)
        self.assertTrue(np.allclose(train_vehicle.source_weights(sources, np.array(y), 0.0), 1.0))

    def test_export_reproduces_the_head(self):
        rng = np.random.default_rng(0)
        feats = rng.normal(size=(300, 1280)).astype(np.float32)
        y = (feats[:, 0] + feats[:, 1] > 0).astype(int) + (feats[:, 2] > 1).astype(int)
        proj = train_vehicle.Projection(feats, 32)
        inputs = train_vehicle.Inputs(proj)
        net = train_vehicle.train_head(inputs(feats), y, 3, 1e-2, steps=50)
        (w, b), = train_vehicle.export_layers(net, inputs, 2.0)
        direct = train_vehicle.logits_of(net, inputs(feats)) / 2.0
        np.testing.assert_allclose(feats @ w.T + b, direct, rtol=1e-3, atol=1e-3)

    @unittest.skipUnless(os.path.exists(BACKBONE), "needs ../shared/models/mobilenetv2-12-int8.onnx")
    def test_patch_merges_into_the_backbone(self):
        heads = {
            "orientation": {"inputs": ["features"], "layers": [(np.zeros((3, 1280)), np.zeros(3))]},
            "color": {"inputs": ["features", "early"], "layers": [(np.zeros((9, 1280 + 296)), np.zeros(9))]},
        }
        with open(BACKBONE, "rb") as f:
            backbone = f.read()
        model = onnx.load_from_string(backbone + vehicle_graph.heads_patch(heads))
        onnx.checker.check_model(model)
        self.assertEqual([o.name for o in model.graph.output], ["output", "orientation", "color"])
        self.assertEqual(len(model.opset_import), len(onnx.load(BACKBONE).opset_import))

    def test_white_silver_fusion_and_nested_leave_one_out(self):
        fused = white_silver_probe.fused
        # only a white or silver answer of the rule is re-decided
        self.assertEqual(fused("red", {"red": 90, "white": 10}, 5.0, 1.0), "red")
        # the rule alone: white pixels against silver pixels
        self.assertEqual(fused("silver", {"white": 40, "silver": 30}, -9.0, None), "white")
        # head + alpha × rule: a sure head outweighs a close rule, a large alpha gives the rule back
        self.assertEqual(fused("silver", {"white": 30, "silver": 40}, 3.0, 1.0), "white")
        self.assertEqual(fused("white", {"white": 60, "silver": 5}, -1.0, 4.0), "white")
        # config 0 is right on crops 0-2, config 1 on crops 2-3: crop 3 is answered by config 0,
        # the better on the other crops, so only crops 0-2 count
        hits = np.array([[1, 1, 1, 0], [0, 0, 1, 1]], bool)
        self.assertEqual(white_silver_probe.nested_loo(hits), 3)


if __name__ == "__main__":
    unittest.main()
