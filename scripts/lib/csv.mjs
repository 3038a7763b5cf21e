// The project's small CSV files and ../shared/vehicle-attrs/labels.csv: a header row, fields that
// may be double-quoted (to hold commas), lines starting with # are comments.
import { readFileSync } from 'node:fs';

/** The rows of `file` as objects keyed by the header's names. */
export function readCsv(file) {
  const lines = readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l && !l.startsWith('#'));
  const head = lines[0].split(',');
  return lines.slice(1).map((line) => {
    const cells = [];
    let cur = '';
    let q = false;
    for (const ch of line) {
      if (ch === '"') q = !q;
      else if (ch === ',' && !q) {
        cells.push(cur);
        cur = '';
      } else cur += ch;
    }
    cells.push(cur);
    return Object.fromEntries(head.map((h, i) => [h, cells[i]]));
  });
}
