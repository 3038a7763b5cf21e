#!/usr/bin/env node
// Accuracy benchmark over ../shared/alpr-dev. Prints figures; never a test.
//  1. the plate readers alone on the labelled box of each photo padded by 15 % per side
//     (published cct_xs_v1_global and, when installed, platewise-rec-v2), exact match per set;
//  2. the engine: `platewise read` (the built CLI) once per set with that set's region hints and
//     once over every photo with no hints, both scored by ../shared/alpr-dev/score.js
//     (top-1, top-N, box recall per set);
//  3. region-code accuracy without hints, where the photo's country is known (scripts/lib/dev-crops.mjs);
//  4. the engine on close-up photos (photos that are one plate): the tight crop sets of ../shared
//     and cuts of the dev photos around their plate (scripts/lib/close-ups.mjs).
//
//   pnpm bench:accuracy [--config '{"mode":"fast"}'] [--concurrency 1] [--keep DIR]
//                       [--recognizer cct|gated|ensemble|ppocr|crnn]   (sets ENGINE_RECOGNIZER for the CLI)
//                       [--crops-only] [--no-crops] [--no-close-ups] [--plate-reader plate-reader-v2]
//
// --plate-reader NAME: the engine reads plate text with that manifest entry instead of
// `plate-reader` (e.g. plate-reader-v2, the project's fine-tune): the CLI runs on a temporary
// models folder whose manifest points `plate-reader` at that file. The crop figures are printed
// for every installed reader either way.
//
// Region hints: us → us; br → br; eu → the countries whose plates the eu set holds
// (sk, cz, pl, gb, de); --eu-all hints the engine's whole European list instead.
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { closeUpFigures } from './lib/close-ups.mjs';
import { cropFigures, readDevCrops, truthRegion } from './lib/dev-crops.mjs';
import {
  applicableCorrections,
  correctedRows,
  readDevRows,
  writeDataset,
} from './lib/dev-labels.mjs';
import { args, opt } from './lib/cli-args.mjs';

const root = resolve(import.meta.dirname, '..');
const dev = resolve(root, process.env.PLATEWISE_DEV_SET || '../shared/alpr-dev');
const cli = join(root, 'apps/cli/dist/main.js');
// The engine's own European list (libs/engine/src/plates/formats.ts), from the built engine.
const { EUROPE } = createRequire(import.meta.url)(join(root, 'libs/engine/dist/index.js'));
const config = opt('--config');
const keep = opt('--keep');
const concurrency = opt('--concurrency', '1');
const recognizer = opt('--recognizer');
const plateReader = opt('--plate-reader');
// The installed models and their manifest, found as the engine finds them (models/manifest.ts).
const weights = resolve(root, process.env.PLATEWISE_MODELS_DIR || 'models/weights');
const ownManifest = join(weights, 'manifest.json');
const manifest = JSON.parse(
  readFileSync(existsSync(ownManifest) ? ownManifest : join(root, 'models/manifest.json'), 'utf8'),
);
const env = { ...process.env };
if (recognizer) env.ENGINE_RECOGNIZER = recognizer;
if (plateReader) env.PLATEWISE_MODELS_DIR = modelsWithReader(plateReader);

/** A temporary models folder: links to every installed file, and a manifest whose `plate-reader`
 *  entry is `name`'s file (the engine verifies it against that entry's sha256 as usual). */
function modelsWithReader(name) {
  const entry = manifest.models.find((m) => m.name === name);
  if (!entry || !existsSync(join(weights, entry.file))) {
    console.error(
      `--plate-reader ${name}: not in models/manifest.json or not installed (pnpm models:install)`,
    );
    process.exit(2);
  }
  const dir = mkdtempSync(join(tmpdir(), 'platewise-models-'));
  for (const f of readdirSync(weights))
    if (f !== 'manifest.json') symlinkSync(join(weights, f), join(dir, f));
  const models = manifest.models.map((m) =>
    m.name === 'plate-reader' ? { ...entry, name: 'plate-reader' } : m,
  );
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, models }));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
const HINTS = {
  us: ['us'],
  br: ['br'],
  eu: args.includes('--eu-all') ? EUROPE : ['sk', 'cz', 'pl', 'gb', 'de'],
};

// The labels as ../shared has them, and with the project's corrections of labels the photos
// contradict (scripts/lib/dev-label-corrections.csv): every figure is printed for both.
const rows = readDevRows(dev);
const corrections = applicableCorrections(rows);
const labelSets = [['as labelled in ' + dev, rows]];
if (corrections.length) {
  labelSets.push([
    `with the project's ${corrections.length} label corrections (${corrections
      .map((c) => `${c.image} ${c.labelled}→${c.shows}`)
      .join(', ')})`,
    correctedRows(rows, corrections),
  ]);
}

if (!args.includes('--no-crops')) {
  // every plate reader of the manifest (plate-reader, plate-reader-v2, …) that is installed
  const files = manifest.models
    .filter((m) => m.name.startsWith('plate-reader'))
    .map((m) => join(weights, m.file));
  const res = await readDevCrops(dev, rows, files);
  for (const [labels, labelRows] of labelSets) {
    console.log(
      `=== plate readers alone: labelled box + 15 % per side, 128×64 (exact match %), ${labels} ===`,
    );
    console.log('model                       all     us     eu     br   ms/crop');
    const figures = Object.entries(res).map(([file, r]) => [
      file,
      r,
      cropFigures(labelRows, r.texts),
    ]);
    for (const [file, r, f] of figures) {
      const name = file.split('/').pop().padEnd(24);
      const head = r.head === null ? '' : `; region head picks the set: ${r.head} %`;
      console.log(
        `${name} ${[f.all, f.us, f.eu, f.br].map((x) => x.toFixed(1).padStart(6)).join(' ')}   ${r.msPerCrop.toFixed(2)}  (${f.n[0]}/${f.n[1]}${head})`,
      );
    }
    for (const [file, , f] of figures)
      console.log(`misread by ${file.split('/').pop()}: ${f.errors.join('; ')}`);
  }
  if (args.includes('--crops-only')) process.exit(0);
}

if (!existsSync(cli)) {
  console.error(`build the CLI first: pnpm -w turbo run build --filter @platewise/cli...`);
  process.exit(2);
}
const work = keep ?? mkdtempSync(join(tmpdir(), 'platewise-bench-'));
mkdirSync(work, { recursive: true });

function runCli(dir, out, regions) {
  const cmd = [cli, 'read', dir, '--out', out, '--concurrency', concurrency];
  for (const r of regions) cmd.push('--regions', r);
  if (config) cmd.push('--config', config);
  const t = Date.now();
  const res = spawnSync(process.execPath, cmd, { stdio: ['ignore', 'inherit', 'inherit'], env });
  if (res.status !== 0) throw new Error(`platewise read ${dir} failed (${res.status})`);
  return (Date.now() - t) / 1000;
}

/** Re-key CLI lines ("x.jpg" relative to the folder read) to dataset paths ("images/us/x.jpg"). */
function rekey(file, prefix) {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const row = JSON.parse(l);
      row.image = `${prefix}${row.image}`;
      return JSON.stringify(row);
    });
}

// score.js reads labels from a file: ../shared's own, and the corrected rows written once.
const datasets = labelSets.map(([labels, labelRows], i) => [
  labels,
  i === 0
    ? join(dev, 'dataset.jsonl')
    : writeDataset(labelRows, join(work, 'dataset-corrected.jsonl')),
]);

function score(results, label) {
  for (const [labels, dataset] of datasets) {
    const res = spawnSync(
      process.execPath,
      [join(dev, 'score.js'), dataset, results, '--errors', '0'],
      { encoding: 'utf8' },
    );
    console.log(`\n=== ${label}, ${labels} ===`);
    console.log(res.stdout.trim());
    if (res.status !== 0) console.error(res.stderr);
  }
}

const hinted = [];
for (const set of ['us', 'eu', 'br']) {
  const out = join(work, `hinted-${set}.jsonl`);
  const s = runCli(join(dev, 'images', set), out, HINTS[set]);
  console.error(`${set}: ${s.toFixed(1)} s wall (hints: ${HINTS[set].join(',')})`);
  hinted.push(...rekey(out, `images/${set}/`));
}
const hintedFile = join(work, 'hinted.jsonl');
writeFileSync(hintedFile, `${hinted.join('\n')}\n`);

const plainOut = join(work, 'no-hints-raw.jsonl');
const s = runCli(join(dev, 'images'), plainOut, []);
console.error(`no hints: ${s.toFixed(1)} s wall`);
const plainFile = join(work, 'no-hints.jsonl');
writeFileSync(plainFile, `${rekey(plainOut, 'images/').join('\n')}\n`);

console.log(
  `config: ${config ?? '(default)'}; recognizer: ${recognizer ?? env.ENGINE_RECOGNIZER ?? '(default)'}; plate reader: ${plateReader ?? 'plate-reader'}; eu hints: ${HINTS.eu.join(',')}; results in ${work}`,
);
score(hintedFile, 'with region hints (us: us, br: br, eu: ' + HINTS.eu.join(',') + ')');
score(plainFile, 'without region hints');
regionAccuracy(plainFile);
if (!args.includes('--no-close-ups')) await closeUpFigures(root, resolve(dev, '..'), rows);

/** Region code of each photo's top plate (no hints) against the country the photo shows. */
function regionAccuracy(results) {
  const got = new Map(
    readFileSync(results, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .map((r) => [
        r.image,
        [...(r.results ?? [])].sort((a, b) => b.score - a.score)[0]?.region?.code ?? null,
      ]),
  );
  const acc = {};
  const wrong = [];
  for (const row of rows) {
    const truth = truthRegion(row);
    if (!truth) continue;
    const code = got.get(row.image);
    const ok = code !== null && code !== undefined && code.split('-')[0] === truth;
    for (const k of [row.set, 'all']) {
      acc[k] ??= [0, 0];
      acc[k][1]++;
      if (ok) acc[k][0]++;
    }
    if (!ok) wrong.push(`${row.image} ${truth}→${code}`);
  }
  console.log('\n=== region code without hints (photos whose country is known) ===');
  for (const k of ['us', 'eu', 'br', 'all']) {
    if (acc[k])
      console.log(
        `${k.padEnd(4)} ${((100 * acc[k][0]) / acc[k][1]).toFixed(1).padStart(5)} %  (${acc[k][0]}/${acc[k][1]})`,
      );
  }
  console.log(`wrong: ${wrong.join('; ') || 'none'}`);
}
