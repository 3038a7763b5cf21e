"""wise_ft.py: the weight interpolation and the validation-only choice of alpha."""
import os
import sys
import unittest

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import cct  # noqa: E402
import wise_ft  # noqa: E402


class WiseFtTest(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)
        self.published = cct.CCT().state_dict()
        self.tuned = cct.CCT().state_dict()

    def test_interpolates_the_reader_and_keeps_the_tunes_region_head(self):
        half = wise_ft.interpolate(self.published, self.tuned, 0.5)
        for name, t in self.tuned.items():
            if name.startswith("region."):
                self.assertTrue(torch.equal(half[name], t), name)
            elif t.is_floating_point():
                self.assertTrue(torch.allclose(half[name], 0.5 * (self.published[name] + t)), name)
        start = wise_ft.interpolate(self.published, self.tuned, 0.0)
        name = next(n for n, t in self.tuned.items() if t.is_floating_point() and not n.startswith("region."))
        self.assertTrue(torch.equal(start[name], self.published[name]))
        cct.CCT().load_state_dict(half)  # a complete state for the architecture

    def test_picks_the_best_validation_score_and_on_a_tie_the_smaller_alpha(self):
        runs = [{"alpha": a, "val": {"all": v}} for a, v in [(0.25, 90.0), (0.5, 92.0), (0.75, 92.0), (1.0, 91.0)]]
        self.assertEqual(wise_ft.pick(runs)["alpha"], 0.5)


if __name__ == "__main__":
    unittest.main()
