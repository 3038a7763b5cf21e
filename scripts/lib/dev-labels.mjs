// The dev photos' labels, as ../shared/alpr-dev has them (every bench reads them here) and with the
// project's corrections (scripts/lib/dev-label-corrections.csv; bench:accuracy prints both).
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readCsv } from './csv.mjs';

const root = resolve(import.meta.dirname, '../..');
const CORRECTIONS = join(root, 'scripts/lib/dev-label-corrections.csv');

/** The rows of `dev`/dataset.jsonl. */
export function readDevRows(dev) {
  return readFileSync(join(dev, 'dataset.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
}

/**
 * The corrections that apply to `rows`: those whose image is labelled there exactly as the
 * correction's `labelled` column says. Returns [{ image, labelled, shows, evidence }].
 */
export function applicableCorrections(rows) {
  const label = new Map(rows.map((r) => [r.image, r.plate]));
  return readCsv(CORRECTIONS).filter((c) => label.get(c.image) === c.labelled);
}

/** `rows` with the corrections applied. */
export function correctedRows(rows, corrections) {
  const shows = new Map(corrections.map((c) => [c.image, c.shows]));
  return rows.map((r) => (shows.has(r.image) ? { ...r, plate: shows.get(r.image) } : r));
}

/** Writes `rows` as a dataset.jsonl score.js can read; returns its path. */
export function writeDataset(rows, file) {
  writeFileSync(file, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
  return file;
}
