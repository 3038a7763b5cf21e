#!/usr/bin/env node
// Accuracy benchmark: runs `platewise read` (the built CLI) over ../shared/alpr-dev, once per set
// with that set's region hints and once over every photo with no hints, then scores both with
// ../shared/alpr-dev/score.js. Prints figures; never a test.
//
//   pnpm bench:accuracy [--config '{"mode":"fast"}'] [--concurrency 1] [--keep DIR]
//                       [--recognizer ensemble|ppocr|crnn]   (sets ENGINE_RECOGNIZER for the CLI)
//
// Region hints: us → us; br → br; eu → the countries whose plates the eu set holds
// (sk, cz, pl, gb, de); --eu-all hints the engine's whole European list instead.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const dev = resolve(root, process.env.PLATEWISE_DEV_SET || '../shared/alpr-dev');
const cli = join(root, 'apps/cli/dist/main.js');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const config = opt('--config');
const keep = opt('--keep');
const concurrency = opt('--concurrency', '1');
const recognizer = opt('--recognizer');
const env = recognizer ? { ...process.env, ENGINE_RECOGNIZER: recognizer } : process.env;
const EUROPE_ALL = ['gb', 'de', 'fr', 'it', 'es', 'pt', 'pl', 'cz', 'sk', 'at', 'ch', 'nl', 'be', 'hu', 'ro', 'se', 'no', 'dk', 'fi', 'ie'];
const HINTS = {
  us: ['us'],
  br: ['br'],
  eu: args.includes('--eu-all') ? EUROPE_ALL : ['sk', 'cz', 'pl', 'gb', 'de'],
};

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

function score(results, label) {
  const res = spawnSync(process.execPath, [join(dev, 'score.js'), join(dev, 'dataset.jsonl'), results, '--errors', '0'], {
    encoding: 'utf8',
  });
  console.log(`\n=== ${label} ===`);
  console.log(res.stdout.trim());
  if (res.status !== 0) console.error(res.stderr);
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

console.log(`config: ${config ?? '(default)'}; recognizer: ${recognizer ?? env.ENGINE_RECOGNIZER ?? '(default)'}; eu hints: ${HINTS.eu.join(',')}; results in ${work}`);
score(hintedFile, 'with region hints (us: us, br: br, eu: ' + HINTS.eu.join(',') + ')');
score(plainFile, 'without region hints');
