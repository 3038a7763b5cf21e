import type { ReadView } from '@platewise/domain';

const FIELDS = [
  'read_at',
  'timestamp',
  'plate',
  'score',
  'region',
  'vehicle',
  'camera_id',
  'request_type',
] as const;

/** A CSV field: quoted when it holds a separator, quote or line break; a leading =+-@ is defused. */
function field(value: unknown): string {
  let text = value === null || value === undefined ? '' : String(value);
  // Spreadsheets run cells that start with these as formulas (CSV injection).
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** `read_at,timestamp,plate,score,region,vehicle,camera_id,request_type`, newest first. */
export function readsCsv(reads: ReadView[]): string {
  const lines = [FIELDS.join(',')];
  for (const r of reads)
    lines.push(
      FIELDS.map((f) => field(f === 'vehicle' ? (r.vehicle?.type ?? '') : r[f])).join(','),
    );
  return lines.join('\n') + '\n';
}
