import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { Point } from './geometry';
import { INPUT_FORMATS } from './input-formats';
import { DEFAULT_TRACKER, TrackerOptions } from './tracker';

export interface CameraConfig {
  id: string;
  url: string;
  /** frames per second sampled (default 4) */
  fps: number;
  /** region hints for the engine (e.g. ["us-ca"]) */
  regions: string[];
  /** vehicle make/model, colour and orientation */
  mmc: boolean;
  /** plates are kept only when their centre lies in one of these polygons (fractions of the frame); none: everywhere */
  zones: Point[][];
  /** plates narrower than this (pixels of the analysed frame) are ignored */
  minPlateWidth: number;
  /** RTSP over tcp (default) or udp */
  rtspTransport: 'tcp' | 'udp';
  /**
   * ffmpeg's input format (`-f`), for a stream that does not say what it is: a raw MJPEG or H.264
   * stream over tcp:// or udp:// (`mjpeg`, `h264`), then timed on arrival; null: probed
   */
  format: string | null;
  /** whether the source is a stream (reconnected, clock-timed); default: from the URL */
  live: boolean;
  /** ffmpeg's decoding threads (default 1; more for a 4K HEVC camera one core cannot keep up with) */
  decodeThreads: number;
}

export interface StreamConfig {
  cameras: CameraConfig[];
  /** frames are scaled so their longest side is at most this (default 1280) */
  maxSide: number;
  /** events as JSON lines appended to this file */
  out: string | null;
  /** best frames saved as <dir>/<camera>-<time>.jpg */
  framesDir: string | null;
  /**
   * the gateway events are reported to (counted, sent to the account's webhooks); without a key,
   * an on-premise gateway counts them for its licence
   */
  gateway: { url: string; apiKey: string | null } | null;
  /** health and Prometheus metrics on this port (0: none) */
  port: number;
  tracker: TrackerOptions;
}

export class StreamConfigError extends Error {}

const ID = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_CAMERAS = 64;
const MAX_ZONES = 16;
const MAX_VERTICES = 64;

/** Reads and validates a config file (YAML or JSON; JSON is YAML); all problems in one error. */
export function loadConfig(path: string, env: NodeJS.ProcessEnv = process.env): StreamConfig {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8'), { maxAliasCount: 100 });
  } catch (err) {
    throw new StreamConfigError(`cannot read ${path}: ${(err as Error).message}`);
  }
  return parseConfig(raw, env);
}

export function parseConfig(raw: unknown, env: NodeJS.ProcessEnv = {}): StreamConfig {
  const problems: string[] = [];
  const at = (where: string, what: string) => problems.push(`${where}: ${what}`);
  if (!isObject(raw)) throw new StreamConfigError('the config must be an object with `cameras`');
  const cams = raw.cameras;
  const cameras: CameraConfig[] = [];
  if (!Array.isArray(cams) || cams.length === 0) at('cameras', 'a non-empty list is required');
  else if (cams.length > MAX_CAMERAS) at('cameras', `at most ${MAX_CAMERAS} per process`);
  else {
    const seen = new Set<string>();
    cams.forEach((c: unknown, i) => {
      const camera = parseCamera(c, `cameras[${i}]`, at);
      if (!camera) return;
      if (seen.has(camera.id)) at(`cameras[${i}].id`, `"${camera.id}" is used twice`);
      seen.add(camera.id);
      cameras.push(camera);
    });
  }
  const maxSide = int(raw.max_side ?? 1280, 'max_side', 160, 4096, at);
  const port = int(raw.port ?? 9102, 'port', 0, 65535, at);
  const t = isObject(raw.tracking) ? raw.tracking : {};
  if (raw.tracking !== undefined && !isObject(raw.tracking)) at('tracking', 'must be an object');
  const tracker: TrackerOptions = {
    gapMs:
      num(t.gap_seconds ?? DEFAULT_TRACKER.gapMs / 1000, 'tracking.gap_seconds', 0.1, 60, at) *
      1000,
    idleMs:
      num(t.idle_seconds ?? DEFAULT_TRACKER.idleMs / 1000, 'tracking.idle_seconds', 1, 600, at) *
      1000,
    maxTrackMs:
      num(t.max_seconds ?? DEFAULT_TRACKER.maxTrackMs / 1000, 'tracking.max_seconds', 1, 3600, at) *
      1000,
    minReads: int(t.min_reads ?? DEFAULT_TRACKER.minReads, 'tracking.min_reads', 1, 100, at),
    minScore: num(t.min_score ?? DEFAULT_TRACKER.minScore, 'tracking.min_score', 0, 1, at),
  };
  const out = optString(raw.out, 'out', at);
  const framesDir = optString(raw.frames_dir, 'frames_dir', at);
  let gateway: StreamConfig['gateway'] = null;
  if (raw.gateway !== undefined) {
    const g = isObject(raw.gateway) ? raw.gateway : {};
    const url = typeof g.url === 'string' ? g.url : '';
    // The key is a secret: from the environment, never required in the file. None: the gateway
    // is on-premise (PLATEWISE_MODE=onprem) and counts events for its licence key.
    const apiKey =
      env.PLATEWISE_API_KEY || (typeof g.api_key === 'string' ? g.api_key : '') || null;
    if (!/^https?:\/\/[^\s]+$/.test(url)) at('gateway.url', 'an http(s) URL is required');
    if (g.api_key !== undefined && typeof g.api_key !== 'string') at('gateway.api_key', 'a string');
    gateway = { url: url.replace(/\/+$/, ''), apiKey };
  }
  for (const key of Object.keys(raw)) {
    if (
      !['cameras', 'max_side', 'port', 'tracking', 'out', 'frames_dir', 'gateway'].includes(key)
    ) {
      at(key, 'unknown setting');
    }
  }
  if (problems.length)
    throw new StreamConfigError(`invalid stream config:\n  ${problems.join('\n  ')}`);
  return { cameras, maxSide, out, framesDir, gateway, port, tracker };
}

type At = (where: string, what: string) => void;

const CAMERA_KEYS = [
  'id',
  'url',
  'fps',
  'regions',
  'mmc',
  'zones',
  'min_plate_width',
  'rtsp_transport',
  'format',
  'live',
  'decode_threads',
];

function parseCamera(c: unknown, where: string, at: At): CameraConfig | null {
  if (!isObject(c)) {
    at(where, 'must be an object with id and url');
    return null;
  }
  const id = typeof c.id === 'string' && ID.test(c.id) ? c.id : null;
  if (!id) at(`${where}.id`, 'letters, digits, . _ - (1 to 64)');
  const url = typeof c.url === 'string' && c.url.trim() ? c.url.trim() : null;
  if (!url) at(`${where}.url`, 'a stream URL or a file path is required');
  const regions = c.regions ?? [];
  if (
    !Array.isArray(regions) ||
    regions.length > 32 ||
    !regions.every((r) => typeof r === 'string' && /^[a-z]{2}(-[a-z0-9]{1,3})?$/i.test(r))
  ) {
    at(`${where}.regions`, 'a list of up to 32 region codes such as us-ca');
  }
  const zones = parseZones(c.zones ?? [], `${where}.zones`, at);
  const transport = c.rtsp_transport ?? 'tcp';
  if (transport !== 'tcp' && transport !== 'udp') at(`${where}.rtsp_transport`, 'tcp or udp');
  if (c.mmc !== undefined && typeof c.mmc !== 'boolean') at(`${where}.mmc`, 'true or false');
  if (c.live !== undefined && typeof c.live !== 'boolean') at(`${where}.live`, 'true or false');
  const format = c.format ?? null;
  // Passed to ffmpeg as one argument, and one of the stream formats only (INPUT_FORMATS).
  if (format !== null && (typeof format !== 'string' || !INPUT_FORMATS.has(format)))
    at(`${where}.format`, `one of ${[...INPUT_FORMATS].join(', ')}`);
  for (const key of Object.keys(c))
    if (!CAMERA_KEYS.includes(key)) at(`${where}.${key}`, 'unknown setting');
  const fps = num(c.fps ?? 4, `${where}.fps`, 0.1, 30, at);
  const minPlateWidth = int(c.min_plate_width ?? 0, `${where}.min_plate_width`, 0, 4096, at);
  const decodeThreads = int(c.decode_threads ?? 1, `${where}.decode_threads`, 1, 16, at);
  if (!id || !url) return null;
  return {
    id,
    url,
    fps,
    regions: Array.isArray(regions) ? (regions as string[]).map((r) => r.toLowerCase()) : [],
    mmc: c.mmc === true,
    zones,
    minPlateWidth,
    rtspTransport: transport === 'udp' ? 'udp' : 'tcp',
    format: typeof format === 'string' ? format : null,
    // A file:// URL is a recording: read once at the engine's pace, not replayed as a camera
    // that keeps ending (every replay's vehicles reported and counted again).
    live:
      typeof c.live === 'boolean'
        ? c.live
        : /^[a-z][a-z0-9+.-]*:\/\//i.test(url) && !/^file:/i.test(url),
    decodeThreads,
  };
}

function parseZones(z: unknown, where: string, at: At): Point[][] {
  if (!Array.isArray(z) || z.length > MAX_ZONES) {
    at(where, `a list of up to ${MAX_ZONES} polygons`);
    return [];
  }
  const zones: Point[][] = [];
  z.forEach((poly: unknown, i) => {
    const ok =
      Array.isArray(poly) &&
      poly.length >= 3 &&
      poly.length <= MAX_VERTICES &&
      poly.every(
        (p) =>
          Array.isArray(p) &&
          p.length === 2 &&
          p.every((v) => typeof v === 'number' && v >= 0 && v <= 1),
      );
    if (!ok)
      at(
        `${where}[${i}]`,
        `3 to ${MAX_VERTICES} [x, y] points, each in 0 … 1 (fractions of the frame)`,
      );
    else zones.push(poly as Point[]);
  });
  return zones;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function num(v: unknown, where: string, min: number, max: number, at: At): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    at(where, `a number from ${min} to ${max}`);
    return min;
  }
  return v;
}

function int(v: unknown, where: string, min: number, max: number, at: At): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    at(where, `a whole number from ${min} to ${max}`);
    return min;
  }
  return v;
}

function optString(v: unknown, where: string, at: At): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' || !v) {
    at(where, 'a path');
    return null;
  }
  return v;
}
