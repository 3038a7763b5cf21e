// The stream benchmarks' readers: this checkout's built apps/stream source and, with
// BENCH_BASELINE=<another checkout>, that checkout's, timed alternately in the same run.
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const require = createRequire(import.meta.url);

/** [label, apps/stream/dist/source.js] of this checkout (`root`) and of BENCH_BASELINE if set. */
export function streamReaders(root) {
  const readers = [['this checkout', require(join(root, 'apps/stream/dist/source.js'))]];
  if (process.env.BENCH_BASELINE) {
    const base = resolve(process.env.BENCH_BASELINE);
    readers.push([`baseline (${base})`, require(join(base, 'apps/stream/dist/source.js'))]);
  }
  return readers;
}

/** The median of numbers (NaN for none). */
export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2 : NaN;
};
