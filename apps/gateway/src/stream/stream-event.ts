import { utcTimestamp } from '@platewise/infra';
import { checkEngineResult } from '@platewise/snapshot';

/** A vehicle event as apps/stream sends it (see apps/stream/src/camera.ts StreamEvent). */
export interface StreamEventBody {
  camera_id: string;
  timestamp: string;
  first_seen: string;
  last_seen: string;
  frames: number;
  direction: number | null;
  results: Record<string, unknown>[];
  best_frame?: string;
}

export class StreamEventError extends Error {}

const CAMERA_ID = /^[A-Za-z0-9._-]{1,64}$/;
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;
const KEYS = [
  'camera_id',
  'timestamp',
  'first_seen',
  'last_seen',
  'frames',
  'direction',
  'results',
  'best_frame',
];

/**
 * Checks an event before it is counted: known fields only, the times ISO 8601, one to eight
 * Snapshot plate results (each with its `direction`). Throws StreamEventError with every problem.
 */
export function parseStreamEvent(body: unknown): StreamEventBody {
  const problems: string[] = [];
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new StreamEventError('The body must be a JSON object: a stream event.');
  }
  const e = body as Record<string, unknown>;
  for (const key of Object.keys(e)) if (!KEYS.includes(key)) problems.push(`${key}: unknown field`);
  if (typeof e.camera_id !== 'string' || !CAMERA_ID.test(e.camera_id)) {
    problems.push('camera_id: letters, digits, . _ - (1 to 64)');
  }
  const times = ['first_seen', 'timestamp', 'last_seen'].map((key) => {
    const t = timeOf(e[key]);
    if (t === null) problems.push(`${key}: an ISO 8601 time`);
    return t;
  });
  const [first, best, last] = times;
  if (first !== null && best !== null && last !== null && !(first <= best && best <= last)) {
    problems.push('first_seen ≤ timestamp ≤ last_seen');
  }
  if (!Number.isInteger(e.frames) || (e.frames as number) < 1 || (e.frames as number) > 1_000_000) {
    problems.push('frames: a whole number from 1');
  }
  if (!isDirection(e.direction)) problems.push('direction: degrees 0 … 359, or null');
  if (
    e.best_frame !== undefined &&
    (typeof e.best_frame !== 'string' || e.best_frame.length > 255)
  ) {
    problems.push('best_frame: a file name');
  }
  const results = e.results;
  if (!Array.isArray(results) || results.length < 1 || results.length > 8) {
    problems.push('results: one to eight plate results');
  } else {
    const plain = results.map((r: unknown) => {
      if (typeof r !== 'object' || r === null) return r;
      const { direction, ...rest } = r as Record<string, unknown>;
      if (!isDirection(direction)) problems.push('results[].direction: degrees 0 … 359, or null');
      // Kept in the read history and matched against watchlists: a plate with no text is no read.
      if (typeof rest.plate === 'string' && !/[a-z0-9]/i.test(rest.plate)) {
        problems.push('results[].plate: at least one letter or digit');
      }
      return rest;
    });
    const check = checkEngineResult({ processing_time: 0, results: plain });
    problems.push(...check.errors.map((m) => `results${m.replace(/^\/results/, '')}`));
  }
  if (problems.length) throw new StreamEventError(`Invalid stream event: ${problems.join('; ')}.`);
  return e as unknown as StreamEventBody;
}

/**
 * The time in ms, or null when it is not one: the form apps/stream writes, on a day that exists
 * in years 1 to 9999 as every date the services take (utcTimestamp: Date.parse rolls 2026-02-30
 * over into March, and PostgreSQL refuses the year 0 Date takes).
 */
function timeOf(v: unknown): number | null {
  if (typeof v !== 'string' || !ISO.test(v)) return null;
  const utc = utcTimestamp(v);
  return utc === null ? null : Date.parse(utc);
}

function isDirection(v: unknown): boolean {
  return v === null || (Number.isInteger(v) && (v as number) >= 0 && (v as number) < 360);
}
