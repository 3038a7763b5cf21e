// Shared by the vehicle-attribute scripts (vehicle_features, orientation_cues, colour_rules) and the
// plate detector int8 scripts: the crops of ../shared/vehicle-attrs, their labels, and the
// engine's own functions on them.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { loadOrt, repoRoot } from './ort.mjs';

/** labels.csv (quoted fields: `source` holds commas). */
export { readCsv as readLabels } from '../../scripts/lib/csv.mjs';

/** The built engine's modules (`engine('./dist/image/decode.js')`). */
export const engine = createRequire(join(repoRoot, 'libs/engine/package.json'));

/** The vehicle-attrs folder: `--data DIR` in `argv`, else ../shared/vehicle-attrs. */
export function dataDir(argv) {
  const i = argv.indexOf('--data');
  return resolve(repoRoot, i >= 0 ? argv[i + 1] : '../shared/vehicle-attrs');
}

/** The train split's crop files (full paths, sorted by name) of the vehicle-attrs folder `dir`. */
export function trainCropFiles(dir = dataDir([])) {
  const train = join(dir, 'images/train');
  return readdirSync(train)
    .filter((f) => f.endsWith('.jpg'))
    .sort()
    .map((f) => join(train, f));
}

/** The plate detector's input for the image file `path`, letterboxed to 320 as the engine does. */
export async function plateDetectorInput(ort, path) {
  const { decodeImage } = engine('./dist/image/decode.js');
  const { plateInput } = engine('./dist/detect/plate.js');
  const { tensor } = await plateInput(await decodeImage(readFileSync(path)), 320);
  return new ort.Tensor('float32', tensor.slice(), [1, 3, 320, 320]);
}

/** A crop's detector box: the crop less the 5 % margins it was cut with. */
export const cropBox = (img) => ({
  xmin: img.width / 22,
  ymin: img.height / 22,
  xmax: img.width - img.width / 22,
  ymax: img.height - img.height / 22,
});

/**
 * The engine's plate detector (320 input, one thread) and a function giving the best plate it
 * finds in an image at threshold_d 0.2, or undefined.
 */
export async function plateFinder() {
  const { detectPlates } = engine('./dist/detect/plate.js');
  const detector = await loadOrt().InferenceSession.create(
    join(repoRoot, 'models/weights/y5fu_320x_sim.onnx'),
    { intraOpNumThreads: 1, interOpNumThreads: 1 },
  );
  return async (img) =>
    (await detectPlates(detector, img, 320, 0.2)).sort((a, b) => b.score - a.score)[0];
}
