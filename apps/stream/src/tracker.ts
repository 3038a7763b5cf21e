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
}

export const DEFAULT_TRACKER: TrackerOptions = {
  gapMs: 1500,
  idleMs: 10_000,
  maxTrackMs: 60_000,
  minReads: 2,
};

/** One plate read on one analysed frame. */
interface Reading {
  result: PlateResult;
  /** frame time (ms since the epoch) */
  t: number;
}

/** A finished passage: what becomes one event. */
export interface TrackEvent {
  /** the best read's frame time (ms since the epoch) */
  t: number;
  firstSeen: number;
  lastSeen: number;
  /** analysed frames the plate was read on */
  frames: number;
  /** degrees (0 right, 90 up, 180 left, 270 down), or null when the plate hardly moved */
  direction: number | null;
  result: PlateResult & { direction: number | null };
  /** the best read's frame (JPEG), when the caller kept frames */
  bestFrame: Buffer | null;
}

/** Readings kept per track: at 25 analysed frames/s a minute's passage; later ones still vote. */
const MAX_READINGS = 1500;
/** Texts (with their candidates) listed in an event's candidates. */
const MAX_CANDIDATES = 10;

class Track {
  readonly readings: Reading[] = [];
  readonly votes = new Map<string, { weight: number; count: number }>();
  reads = 0;
  missedFrames = 0;
  velocity: [number, number] = [0, 0];
  bestScore = -1;
  bestFrame: Buffer | null = null;
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

  add(reading: Reading, frame: Buffer | null): void {
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
export class PlateTracker {
  private tracks: Track[] = [];

  constructor(private readonly options: TrackerOptions = DEFAULT_TRACKER) {}

  get open(): number {
    return this.tracks.length;
  }

  /**
   * One analysed frame's plates (already filtered by zones and size). `frame` is kept as a
   * track's best frame when it holds its best read. Returns the events of tracks that ended.
   */
  update(t: number, results: PlateResult[], frame: Buffer | null = null): TrackEvent[] {
    const free = new Set(this.tracks);
    for (const result of [...results].sort((a, b) => b.score - a.score)) {
      let match: Track | null = null;
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
        match = new Track(t);
        this.tracks.push(match);
      } else free.delete(match);
      match.add({ result, t }, frame);
    }
    for (const track of free) track.missedFrames++;
    return this.expire(t);
  }

  /** Time passes without an analysed frame (a still scene): only the idle and age limits apply. */
  tick(t: number): TrackEvent[] {
    return this.expire(t);
  }

  /** Ends every open track (the source ended, or the process stops). */
  flush(): TrackEvent[] {
    const ended = this.tracks;
    this.tracks = [];
    return ended.flatMap((track) => this.event(track));
  }

  private expire(t: number): TrackEvent[] {
    const { gapMs, idleMs, maxTrackMs } = this.options;
    const ended: Track[] = [];
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

  private event(track: Track): TrackEvent[] {
    if (track.reads < this.options.minReads) return [];
    const ranked = [...track.votes].sort((a, b) => b[1].weight - a[1].weight);
    const plate = ranked[0][0];
    const score = (text: string) => round3((track.votes.get(text)?.weight ?? 0) / track.reads);
    // The best read of the winning text gives the box, region, vehicle and detection score.
    let best = track.bestReading;
    if (best.result.plate !== plate) {
      best = track.readings
        .filter((r) => r.result.plate === plate)
        .reduce((a, b) => (b.result.score > a.result.score ? b : a));
    }
    const candidates: Candidate[] = ranked
      .slice(0, MAX_CANDIDATES)
      .map(([text]) => ({ plate: text, score: score(text) }));
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
 * The plate's travel: the mean centre of its last third of reads minus that of its first third.
 * Under half a plate's width of travel is no direction (a parked car, jitter of the box).
 */
function travel(readings: Reading[]): number | null {
  if (readings.length < 2) return null;
  const k = Math.max(1, Math.floor(readings.length / 3));
  const mean = (rs: Reading[]) => {
    const cs = rs.map((r) => centre(r.result.box));
    return [
      cs.reduce((s, c) => s + c[0], 0) / cs.length,
      cs.reduce((s, c) => s + c[1], 0) / cs.length,
    ];
  };
  const [x0, y0] = mean(readings.slice(0, k));
  const [x1, y1] = mean(readings.slice(-k));
  const widths = readings.map((r) => r.result.box.xmax - r.result.box.xmin);
  const width = widths.reduce((s, w) => s + w, 0) / widths.length;
  const dx = x1 - x0;
  const dy = y1 - y0;
  if (Math.hypot(dx, dy) < 0.5 * width) return null;
  return directionDegrees(dx, dy);
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
