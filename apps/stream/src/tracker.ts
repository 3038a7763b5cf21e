import { REPORTED_CANDIDATES } from '@platewise/engine';
import type { Candidate, PlateResult } from '@platewise/snapshot';
import { centre, directionDegrees, iou, shift } from './geometry';
import { editDistance, sameText } from './text';

export interface TrackerOptions {
  /** a track not seen for this long while frames are being analysed has left (ms) */
  gapMs: number;
  /** a track not seen for this long ends whatever happens (a still scene analyses nothing) (ms) */
  idleMs: number;
  /** a track this old ends as an event and the vehicle, if still there, starts another (ms) */
  maxTrackMs: number;
  /** reads a track needs to become an event (one stray read is not a vehicle) */
  minReads: number;
  /**
   * an event's voted score (the winning text's summed read scores over the track's reads) below
   * this is dropped: text read rarely, or with little confidence, across the whole passage
   */
  minScore: number;
}

export const DEFAULT_TRACKER: TrackerOptions = {
  gapMs: 1500,
  idleMs: 10_000,
  maxTrackMs: 60_000,
  minReads: 2,
  // On the dev-photo clips (bench:stream) every right plate's event scored ≥ 0.26; half of the
  // events with a wrong or junk text scored < 0.2.
  minScore: 0.2,
};

/** One plate read on one analysed frame. */
interface Reading {
  result: PlateResult;
  /** frame time (ms since the epoch) */
  t: number;
}

/**
 * A finished passage: what becomes one event. `F` is what the caller passes as a frame (the
 * camera's: apps/stream/src/camera.ts `BestFrame`).
 */
export interface TrackEvent<F = Buffer> {
  /** the best read's frame time (ms since the epoch) */
  t: number;
  firstSeen: number;
  lastSeen: number;
  /** analysed frames the plate was read on */
  frames: number;
  /** degrees (0 right, 90 up, 180 left, 270 down), or null when the plate hardly moved */
  direction: number | null;
  result: PlateResult & { direction: number | null };
  /** the best read's frame, when the caller kept frames */
  bestFrame: F | null;
}

/**
 * Open tracks per camera: each read is matched against all of them, so they are bounded; past
 * this the oldest ends (as an event) to make room. A busy car park shows a few dozen plates.
 */
export const MAX_TRACKS = 128;
/** Readings kept per track: at 25 analysed frames/s a minute's passage; later ones still vote. */
const MAX_READINGS = 1500;

class Track<F> {
  readonly readings: Reading[] = [];
  readonly votes = new Map<string, { weight: number; count: number }>();
  reads = 0;
  missedFrames = 0;
  velocity: [number, number] = [0, 0];
  bestScore = -1;
  bestFrame: F | null = null;
  bestReading!: Reading;

  constructor(readonly firstSeen: number) {}

  get last(): Reading {
    return this.readings[this.readings.length - 1];
  }

  get leader(): string {
    let best = '';
    let weight = -1;
    for (const [text, v] of this.votes) if (v.weight > weight) [best, weight] = [text, v.weight];
    return best;
  }

  add(reading: Reading, frame: F | null): void {
    const prev = this.readings.length ? this.last : null;
    if (prev && reading.t > prev.t) {
      const [x0, y0] = centre(prev.result.box);
      const [x1, y1] = centre(reading.result.box);
      const dt = reading.t - prev.t;
      this.velocity = [(x1 - x0) / dt, (y1 - y0) / dt];
    }
    if (this.readings.length < MAX_READINGS) this.readings.push(reading);
    else this.readings[this.readings.length - 1] = reading;
    this.reads++;
    this.missedFrames = 0;
    const v = this.votes.get(reading.result.plate) ?? { weight: 0, count: 0 };
    v.weight += reading.result.score;
    v.count++;
    this.votes.set(reading.result.plate, v);
    if (reading.result.score > this.bestScore) {
      this.bestScore = reading.result.score;
      this.bestReading = reading;
      this.bestFrame = frame;
    }
  }

  /** Overlap of the box where the plate should be now (last box moved at its speed) with `box`. */
  overlap(result: PlateResult, t: number): number {
    const dt = t - this.last.t;
    const predicted = shift(this.last.result.box, this.velocity[0] * dt, this.velocity[1] * dt);
    return Math.max(iou(predicted, result.box), iou(this.last.result.box, result.box));
  }
}

/**
 * Follows plates across analysed frames of one camera: a read joins the open track whose plate it
 * agrees with (text within a quarter of its characters, or an overlapping box where the track's
 * plate should be with a text not far off); otherwise it starts a track. A track ends when its
 * plate is no longer read while frames are analysed (the vehicle left), when nothing was analysed
 * for a while, or when it is too old; it then becomes one event with the text voted by its reads.
 */
export class PlateTracker<F = Buffer> {
  private tracks: Track<F>[] = [];

  constructor(private readonly options: TrackerOptions = DEFAULT_TRACKER) {}

  get open(): number {
    return this.tracks.length;
  }

  /**
   * One analysed frame's plates (already filtered by zones and size). `frame` is kept as a
   * track's best frame when it holds its best read. Returns the events of tracks that ended.
   */
  update(t: number, results: PlateResult[], frame: F | null = null): TrackEvent<F>[] {
    const free = new Set(this.tracks);
    for (const result of [...results].sort((a, b) => b.score - a.score)) {
      let match: Track<F> | null = null;
      let matchScore = 0;
      for (const track of free) {
        const overlap = track.overlap(result, t);
        const agrees = sameText(track.leader, result.plate);
        const near = overlap >= 0.3 && closeText(track.leader, result.plate);
        if (!agrees && !near) continue;
        const score = (agrees ? 1 : 0) + overlap;
        if (score > matchScore) [match, matchScore] = [track, score];
      }
      if (!match) {
        match = new Track<F>(t);
        this.tracks.push(match);
      } else free.delete(match);
      match.add({ result, t }, frame);
    }
    for (const track of free) track.missedFrames++;
    const evicted =
      this.tracks.length > MAX_TRACKS ? this.tracks.splice(0, this.tracks.length - MAX_TRACKS) : [];
    return [...evicted.flatMap((track) => this.event(track)), ...this.expire(t)];
  }

  /** Whether an open track keeps `frame` as its best. */
  holds(frame: F): boolean {
    return this.tracks.some((track) => track.bestFrame === frame);
  }

  /** Time passes without an analysed frame (a still scene): only the idle and age limits apply. */
  tick(t: number): TrackEvent<F>[] {
    return this.expire(t);
  }

  /** Ends every open track (the source ended, or the process stops). */
  flush(): TrackEvent<F>[] {
    const ended = this.tracks;
    this.tracks = [];
    return ended.flatMap((track) => this.event(track));
  }

  private expire(t: number): TrackEvent<F>[] {
    const { gapMs, idleMs, maxTrackMs } = this.options;
    const ended: Track<F>[] = [];
    this.tracks = this.tracks.filter((track) => {
      const unseen = t - track.last.t;
      const done =
        (unseen > gapMs && track.missedFrames >= 2) ||
        unseen > idleMs ||
        t - track.firstSeen > maxTrackMs;
      if (done) ended.push(track);
      return !done;
    });
    return ended.flatMap((track) => this.event(track));
  }

  private event(track: Track<F>): TrackEvent<F>[] {
    if (track.reads < this.options.minReads) return [];
    const ranked = [...track.votes].sort((a, b) => b[1].weight - a[1].weight);
    const plate = ranked[0][0];
    const score = (text: string) => round3((track.votes.get(text)?.weight ?? 0) / track.reads);
    if (score(plate) < this.options.minScore) return [];
    // The best read of the winning text gives the box, region, vehicle and detection score.
    let best = track.bestReading;
    if (best.result.plate !== plate) {
      best = track.readings
        .filter((r) => r.result.plate === plate)
        .reduce((a, b) => (b.result.score > a.result.score ? b : a));
    }
    // The engine's rule for what a Snapshot answer lists: the winner, then texts scored ≥ 5 %.
    const candidates: Candidate[] = ranked
      .map(([text]) => ({ plate: text, score: score(text) }))
      .filter((c, i) => i === 0 || c.score >= REPORTED_CANDIDATES.floor)
      .slice(0, REPORTED_CANDIDATES.max);
    const direction = travel(track.readings);
    return [
      {
        t: best.t,
        firstSeen: track.firstSeen,
        lastSeen: track.last.t,
        frames: track.reads,
        direction,
        result: { ...best.result, plate, score: score(plate), candidates, direction },
        bestFrame: best === track.bestReading ? track.bestFrame : null,
      },
    ];
  }
}

/** Within half the characters: how far a misread can be while its box says it is the same plate. */
function closeText(a: string, b: string): boolean {
  if (!a || !b) return true;
  return editDistance(a, b) <= Math.ceil(Math.max(a.length, b.length) / 2);
}

/**
 * The plate's travel: its centre fitted against time (least squares, each axis), from the first
 * read to the last. No direction (null) when that travel is under half the plate's height or
 * under three times the fit's scatter: a standing vehicle, or a box jittering in place.
 */
function travel(readings: Reading[]): number | null {
  const n = readings.length;
  if (n < 2) return null;
  const t0 = readings[0].t;
  const ts = readings.map((r) => r.t - t0);
  const cs = readings.map((r) => centre(r.result.box));
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  const mt = mean(ts);
  const varT = ts.reduce((s, t) => s + (t - mt) ** 2, 0);
  if (varT === 0) return null;
  const fit = (axis: 0 | 1) => {
    const m = mean(cs.map((c) => c[axis]));
    const slope = ts.reduce((s, t, i) => s + (t - mt) * (cs[i][axis] - m), 0) / varT;
    return { m, slope };
  };
  const x = fit(0);
  const y = fit(1);
  const span = ts[n - 1] - ts[0];
  const dx = x.slope * span;
  const dy = y.slope * span;
  const scatter = Math.sqrt(
    mean(
      ts.map(
        (t, i) =>
          (cs[i][0] - (x.m + x.slope * (t - mt))) ** 2 +
          (cs[i][1] - (y.m + y.slope * (t - mt))) ** 2,
      ),
    ),
  );
  const height = mean(readings.map((r) => r.result.box.ymax - r.result.box.ymin));
  if (Math.hypot(dx, dy) < Math.max(0.5 * height, 3 * scatter)) return null;
  return directionDegrees(dx, dy);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
