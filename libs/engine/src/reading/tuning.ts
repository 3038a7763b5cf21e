import type { CombineMode } from '../plates/candidates';

/**
 * Tunables of the reading path (not part of the public config). The CCT entries are geometry
 * (cctPad*, matching the crops the readers were measured on) and the gate of `gated` mode; the
 * rest belong to the comparison paths (`ppocr`, `crnn`, `ensemble`), measured on the dev photos
 * in issue 5 (libs/engine/README.md).
 */
export const TUNING = {
  /**
   * The CCT readers' crop: the detector quad padded like the crops they were measured and
   * fine-tuned on (the labelled box + 15 % of its size per side; the quad ≈ the labelled box),
   * sampled at native resolution, then stretched to 128×64 as Pillow does.
   */
  cctPadX: 0.15,
  cctPadY: 0.15,
  /**
   * A reading that scores under `unsure` is read again in other views of its crop, the views'
   * probabilities averaged per text (read-plate.ts unsureViews): sharpened (libvips' unsharp
   * mask), and, for a crop narrower than the reader's input (a plate under about 100 px wide),
   * enlarged `cctEnlarge` times by libvips' bicubic interpolator first — stretched bilinearly the
   * whole way, a small plate reads worse. Chosen on ../shared's labelled crops, not on the dev
   * photos (libs/engine/README.md "Robustness"): the engine on 766 of them shrunk to 40 / 56 / 72
   * px wide read 528 / 617 / 639 alone, 550 / 626 / 641 with the enlarged view under 0.9; at 160
   * px, clean / blurred (σ 1.5) / JPEG q30, 640 / 637 / 620 alone, 646 / 644 / 621 with the
   * sharpened view under 0.9.
   */
  cctEnlarge: 2,
  unsure: 0.9,
  /**
   * How far up (a share of the quad's height) a one-row quad is grown to take in the other row of
   * a two-row plate (read-plate.ts otherRow). The detector's box on the lower row of European
   * two-row plates (the eu2 crops of ../shared/alpr-crops-intl pasted over dev photos' plates,
   * never the dev reads) reached 0.6–1.0 of its height short of the plate's top; 0.8, with the
   * reader's own 15 % padding, takes in the whole plate at either end.
   */
  otherRowGrow: 0.8,
  /**
   * Look-alike sharing for the CCT readers' slots (ocr/confusion.ts `alpha`; CTC readers use
   * PRIOR.confusion = 0.5). None: trained on plates, the CCT already spreads its probability over
   * the look-alikes it is unsure of, so a format still picks between O and 0 from the slots' own
   * probabilities, and any extra share lets a format overrule a clear reading (dev photos, top-1
   * with / without hints: 0 → 140/140, 0.02 → 139/138, 0.05 → 139/136, 0.1 → 139/135).
   */
  cctConfusion: 0,
  /**
   * `gated` mode: PP-OCRv4 also reads the plate when the CCT's best candidate scores below this
   * (its 0–1 reading confidence), pooled with weight `gateWeight` against the CCT's 1.
   */
  gate: 0.5,
  gateWeight: 0.5,
  /** padding around the detector's quad for the direct line view (fraction of width/height per side) */
  linePadX: 0.12,
  linePadY: 0.18,
  /** padding for the text-detection view of the whole plate */
  platePadX: 0.2,
  platePadY: 0.9,
  /** how many vehicles get a second plate-detection pass at higher resolution */
  vehicleCrops: 1,
  /**
   * Tile side (source pixels) of the second look (tiles over the smaller vehicles), run in
   * regular mode only when no plate was found: the plate detector's input size, so tiles are
   * read at native resolution.
   */
  smallPlateTile: 320,
  /**
   * The second look at a photo with no vehicle and no plate found: the whole photo again, zoomed
   * out this much (fitted into the centre half of the detector's input). The detector, trained on
   * street scenes, misses a plate that fills much of its input (a photo cut around a plate with a
   * margin of 60 % of its size); half as large, it finds it. Taken before the photo is read whole
   * (detect/close-up.ts), which keeps a loose crop's reading: taken only where that whole read
   * fails, 23 fewer of the US crops below were read at 0.6 (104 against 127). Chosen on ../shared's
   * plate crops in a grey frame, the plate 1/2.2 and 1/3 of the width (US crops, every 4th, 187:
   * 62 / 71 read without it, 118 / 127 at 1.5, 127 / 132 at 2, 122 / 134 at 2.5; international,
   * 257: 212 / 209, 215 / 212, 216 / 218, 217 / 216), not on the dev photos.
   */
  zoomOut: 2,
  useTextDet: true,
  useLineView: true,
  /** horizontal stretch of text lines before recognition */
  recStretch: 1.5,
  usePrinted: true,
  extraLines: 1,
  /**
   * platewise-rec's view: the quad padded like its training crops (plate box + 15 % of its size
   * per side; the detector's quad hugs the text line, see plateBox), sampled at native resolution
   * and then reduced to 128×32 exactly as Pillow did in training.
   */
  crnnPadX: 0.15,
  crnnPadY: 0.14,
  /**
   * platewise-rec test-time augmentation: the crops it reads, each `[pad, dx, dy]` — padding added
   * to crnnPadX/Y, shift along the quad by `dx` of its width and `dy` of its height. The first is
   * the plain crop, the only one in `mode: fast`; the views' probabilities are averaged per text
   * (`crnnCombine`). The plain crop alone: no extra-crop set measured on the dev photos read more
   * plates (README "Recognisers"; calibrate-ensemble.mjs --crnn-views measures one).
   */
  crnnViews: [[0, 0, 0]] as Array<[number, number, number]>,
  /** how platewise-rec's views combine per candidate text (see candidates.ts `combine`) */
  crnnCombine: 'lse' as CombineMode,
  /** also read PP-OCR's detected text line with platewise-rec */
  crnnLineView: false,
  /**
   * Weight of platewise-rec's log probability against PP-OCRv4's (weight 1) in the ensemble
   * (ENSEMBLE.rule `product`). The one parameter calibrated on the dev photos, by
   * libs/engine/scripts/calibrate-ensemble.mjs; recalibrate when the model changes.
   */
  crnnWeight: 0.5,
};
