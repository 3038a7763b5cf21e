import sharp from 'sharp';
import type { Engine } from '@platewise/engine';
import type { PlateResult } from '@platewise/snapshot';
import type { CameraConfig } from './config';
import { centre, inPolygon } from './geometry';
import { MotionGate } from './motion';
import type { StreamMetrics } from './metrics';
import { Frame, readSource } from './source';
import { SourceStateLog } from './state-log';
import { PlateTracker, TrackEvent, TrackerOptions } from './tracker';

/** One vehicle passage as written to --out and sent to the gateway. */
export interface StreamEvent {
  camera_id: string;
  /** the best frame's time */
  timestamp: string;
  first_seen: string;
  last_seen: string;
  /** analysed frames the plate was read on */
  frames: number;
  /** degrees: 0 right, 90 up, 180 left, 270 down; null when the plate hardly moved */
  direction: number | null;
  /** one Snapshot plate result (voted text, candidates and score over the passage) plus direction */
  results: Array<PlateResult & { direction: number | null }>;
}

export interface CameraDeps {
  engine: Engine;
  maxSide: number;
  tracker: TrackerOptions;
  /** keep each track's best frame (JPEG) for the event */
  keepFrames: boolean;
  onEvent(event: StreamEvent, bestFrame: Buffer | null): void | Promise<void>;
  metrics?: StreamMetrics;
  log?(line: string): void;
  /** false reads every sampled frame, unchanged ones too (bench:stream measures what the gate saves) */
  motionGate?: boolean;
}

/**
 * One camera: its frames (ffmpeg) → the motion gate → the engine → zones and size → the tracker
 * → events. A live source never waits for the engine: a frame that comes while one is being read
 * is dropped (and counted), so the reading is always of a recent frame. A file is read frame by
 * frame, none dropped.
 */
export class CameraPipeline {
  private readonly tracker: PlateTracker<BestFrame>;
  private readonly gate = new MotionGate();
  private reading = false;
  private emitting: Promise<unknown> = Promise.resolve();

  constructor(
    readonly camera: CameraConfig,
    private readonly deps: CameraDeps,
  ) {
    this.tracker = new PlateTracker<BestFrame>(deps.tracker);
  }

  get openTracks(): number {
    return this.tracker.open;
  }

  /**
   * Reads the source until it ends (a file) or `signal` aborts; then ends open tracks as events.
   * A file's frames are timed from `startedAt` (ms since the epoch; default: now).
   */
  async run(signal?: AbortSignal, startedAt?: number): Promise<void> {
    const { camera, deps } = this;
    const m = deps.metrics;
    // A still live scene delivers a frame only every couple of seconds: the tracker's idle and
    // age limits are applied on the clock as well.
    const clock = camera.live
      ? setInterval(() => this.emit(this.tracker.tick(Date.now())), 1000)
      : null;
    const stateLog = new SourceStateLog();
    try {
      await readSource(
        {
          url: camera.url,
          fps: camera.fps,
          maxSide: deps.maxSide,
          rtspTransport: camera.rtspTransport,
          format: camera.format ?? undefined,
          live: camera.live,
          decodeThreads: camera.decodeThreads,
          keepStill: deps.motionGate === false,
          startedAt,
        },
        {
          onFrame: (frame) => this.onFrame(frame),
          onState: (state, detail) => {
            m?.up.set({ camera: camera.id }, state === 'connected' ? 1 : 0);
            if (state === 'lost') {
              m?.reconnects.inc({ camera: camera.id });
              // The passage was cut: what was seen becomes events now, not when frames return.
              this.emit(this.tracker.flush());
            }
            const line = stateLog.line(state, detail);
            if (line) deps.log?.(`camera ${camera.id}: ${line}`);
          },
          onWarning: (text) => deps.log?.(`camera ${camera.id}: ${text}`),
        },
        signal,
      );
    } finally {
      if (clock) clearInterval(clock);
      await this.flush();
    }
  }

  /** Ends every open track as an event (the source ended, or the process is stopping). */
  async flush(): Promise<void> {
    // A read in flight may still add to a track: wait for it (bounded by the engine's time limit).
    while (this.reading) await new Promise((r) => setTimeout(r, 20));
    this.emit(this.tracker.flush());
    await this.emitting;
  }

  private onFrame(frame: Frame): Promise<void> | void {
    const { camera, deps } = this;
    const m = deps.metrics;
    const labels = { camera: camera.id };
    m?.decoded.inc(labels, frame.skipped + 1);
    if (frame.skipped) m?.still.inc(labels, frame.skipped);
    this.emit(this.tracker.tick(frame.t));
    if (this.reading) {
      m?.dropped.inc(labels);
      return;
    }
    if (deps.motionGate !== false && !this.gate.moved(frame.rgb, frame.width, frame.height)) {
      m?.still.inc(labels);
      return;
    }
    this.reading = true;
    const done = this.analyse(frame).finally(() => {
      this.reading = false;
    });
    return camera.live ? undefined : done.then(() => this.emitting).then(() => undefined);
  }

  private async analyse(frame: Frame): Promise<void> {
    const { camera, deps } = this;
    const labels = { camera: camera.id };
    try {
      // the frame's own pixels: a JPEG between costs an encode here and a decode in the engine
      // (about 10 ms of CPU a 1280 × 720 frame, an eighth of this process's CPU per frame read:
      // `pnpm bench:stream`) and blurs the plate a little
      const answer = await deps.engine.read(
        { data: frame.rgb, width: frame.width, height: frame.height },
        { regions: camera.regions, mmc: camera.mmc },
      );
      deps.metrics?.analysed.inc(labels);
      if (camera.live) deps.metrics?.lag.set(labels, (Date.now() - frame.t) / 1000);
      const plates = (answer.results as PlateResult[]).filter((r) => this.keep(r, frame));
      // a track's best frame can only be one with a plate on it, and is encoded only once a
      // track keeps it (a track's best read changes on a few of its frames)
      const best = deps.keepFrames && plates.length > 0 ? new BestFrame(frame) : null;
      const events = this.tracker.update(frame.t, plates, best);
      if (best && (this.tracker.holds(best) || events.some((e) => e.bestFrame === best)))
        best.encode(deps.log);
      this.emit(events);
    } catch (err) {
      // A read that failed (time limit, engine restarted) loses this frame only.
      deps.metrics?.readErrors.inc(labels);
      deps.log?.(`camera ${camera.id}: read failed: ${(err as Error).message}`);
    }
  }

  /** Zones (the plate's centre in one of them) and the minimum plate width. */
  private keep(r: PlateResult, frame: Frame): boolean {
    if (!r.box || !r.plate) return false;
    if (r.box.xmax - r.box.xmin < this.camera.minPlateWidth) return false;
    if (!this.camera.zones.length) return true;
    const [x, y] = centre(r.box);
    const p: [number, number] = [x / frame.width, y / frame.height];
    return this.camera.zones.some((zone) => inPolygon(p, zone));
  }

  private emit(events: TrackEvent<BestFrame>[]): void {
    for (const e of events) {
      const event: StreamEvent = {
        camera_id: this.camera.id,
        timestamp: new Date(e.t).toISOString(),
        first_seen: new Date(e.firstSeen).toISOString(),
        last_seen: new Date(e.lastSeen).toISOString(),
        frames: e.frames,
        direction: e.direction,
        results: [e.result],
      };
      this.deps.metrics?.events.inc({ camera: this.camera.id });
      // Events leave in order, one sink call at a time per camera.
      this.emitting = this.emitting
        .then(async () => this.deps.onEvent(event, (await e.bestFrame?.jpeg()) ?? null))
        .catch((err: Error) =>
          this.deps.log?.(`camera ${this.camera.id}: event not delivered: ${err.message}`),
        );
    }
  }
}

/**
 * A frame with a plate on it, which may become a track's best: encoded as the JPEG an event's best
 * frame is written as only once a track keeps it (`encode`), its pixels then let go. On the dev
 * clips a track's best read changed on a fraction of the frames its plate was read on, and each
 * JPEG of a 1280 × 720 frame costs about 8 ms of CPU.
 */
export class BestFrame {
  private pixels: Frame | null;
  private encoded: Promise<Buffer | null> | null = null;

  constructor(frame: Frame) {
    this.pixels = frame;
  }

  /** Starts the encode (once); a failed one is logged, and its events go without a frame. */
  encode(log?: (line: string) => void): void {
    const frame = this.pixels;
    if (!frame || this.encoded) return;
    this.pixels = null;
    this.encoded = sharp(frame.rgb, {
      raw: { width: frame.width, height: frame.height, channels: 3 },
    })
      .jpeg({ quality: 90 })
      .toBuffer()
      .catch((err: Error) => {
        log?.(`best frame not encoded: ${err.message}`);
        return null;
      });
  }

  /** The JPEG, once `encode` has started it; null if it was never kept or could not be made. */
  jpeg(): Promise<Buffer | null> {
    return this.encoded ?? Promise.resolve(null);
  }
}
