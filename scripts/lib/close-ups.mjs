// Shared by bench:accuracy: the engine on photos that are one plate (libs/engine/src/detect/close-up.ts).
//  - tight crops: ../shared/alpr-crops-us (745, no hints) and ../shared/alpr-crops-intl (its
//    human-labelled crops, every 4th: 514, no hints), as a client's own plate detector cuts them;
//  - loose cuts: every dev photo cut around its labelled plate with a margin of 10, 30 and 60 % of
//    the plate's size per side (vertically 1.5 times that), JPEG quality 92.
// Top-1 exact match of the engine's first plate. Uses the built engine (libs/engine/dist).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

export async function closeUpFigures(root, shared, devRows) {
  const { createEngine } = require(join(root, 'libs/engine/dist/index.js'));
  const sharp = require(join(root, 'libs/engine/node_modules/sharp'));
  const engine = await createEngine({ threads: 1 });
  const csv = (set) =>
    readFileSync(join(shared, set, 'labels.csv'), 'utf8')
      .trim()
      .split(/\r?\n/)
      .slice(1)
      .map((l) => l.split(','));
  const top1 = async (items) => {
    let right = 0;
    for (const { bytes, plate } of items) {
      const r = await engine.read(await bytes());
      if ((r.results[0]?.plate ?? '').toUpperCase() === plate.replace(/[ -]/g, '')) right++;
    }
    return `${right}/${items.length} (${((100 * right) / items.length).toFixed(1)} %)`;
  };
  const file = (set, path) => () => readFileSync(join(shared, set, path));
  console.log(
    '\n=== close-up photos: the engine on photos that are one plate (top-1, no hints) ===',
  );
  const us = csv('alpr-crops-us').map(([image, , plate]) => ({
    bytes: file('alpr-crops-us', image),
    plate,
  }));
  console.log(`tight crops, alpr-crops-us:                    ${await top1(us)}`);
  const intl = csv('alpr-crops-intl')
    .filter((r) => r[5] === 'real' || r[5] === 'agreed')
    .filter((_, i) => i % 4 === 0)
    .map(([image, plate]) => ({ bytes: file('alpr-crops-intl', image), plate }));
  console.log(`tight crops, alpr-crops-intl (labelled, 1 in 4): ${await top1(intl)}`);
  for (const margin of [0.1, 0.3, 0.6]) {
    const cuts = devRows.map((row) => ({
      plate: row.plate,
      bytes: () => {
        const b = row.box;
        const w = b.xmax - b.xmin;
        const h = b.ymax - b.ymin;
        const x0 = Math.max(0, Math.round(b.xmin - margin * w));
        const y0 = Math.max(0, Math.round(b.ymin - margin * h * 1.5));
        const x1 = Math.min(row.width, Math.round(b.xmax + margin * w));
        const y1 = Math.min(row.height, Math.round(b.ymax + margin * h * 1.5));
        return sharp(join(shared, 'alpr-dev', row.image))
          .rotate()
          .extract({ left: x0, top: y0, width: x1 - x0, height: y1 - y0 })
          .jpeg({ quality: 92 })
          .toBuffer();
      },
    }));
    console.log(
      `dev photos cut with ${String(margin * 100).padStart(2)} % around the plate:       ${await top1(cuts)}`,
    );
  }
  await engine.close();
}
