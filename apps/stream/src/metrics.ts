import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** Per-camera counters and gauges, exported at /metrics. */
export class StreamMetrics {
  readonly registry = new Registry();
  private readonly c = (name: string, help: string) =>
    new Counter({ name, help, labelNames: ['camera'], registers: [this.registry] });
  private readonly g = (name: string, help: string) =>
    new Gauge({ name, help, labelNames: ['camera'], registers: [this.registry] });

  readonly decoded = this.c(
    'platewise_stream_frames_decoded_total',
    "Frames sampled at the camera's fps from the decoded video",
  );
  readonly analysed = this.c('platewise_stream_frames_analysed_total', 'Frames read by the engine');
  readonly still = this.c(
    'platewise_stream_frames_still_total',
    'Sampled frames not read because nothing moved (left out by ffmpeg or the motion gate)',
  );
  readonly dropped = this.c(
    'platewise_stream_frames_dropped_total',
    'Frames dropped because the engine was still reading an earlier one',
  );
  readonly events = this.c('platewise_stream_events_total', 'Vehicle events emitted');
  readonly undelivered = this.c(
    'platewise_stream_events_undelivered_total',
    'Events the gateway did not take: refused, still failing after the retries, or given up at shutdown or past the queue',
  );
  readonly readErrors = this.c('platewise_stream_read_errors_total', 'Frames whose read failed');
  readonly reconnects = this.c('platewise_stream_reconnects_total', 'Times a live source was lost');
  readonly up = this.g('platewise_stream_camera_up', '1 while the camera delivers frames');
  readonly lag = this.g(
    'platewise_stream_lag_seconds',
    'Age of the last analysed frame when its read ended',
  );
  readonly fps = this.g('platewise_stream_fps', 'Frames decoded per second over the last 10 s');

  private last = new Map<string, { t: number; n: number }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(defaults = true) {
    if (defaults) collectDefaultMetrics({ register: this.registry });
  }

  /** Updates the fps gauge every 10 s from the decoded-frame counters. */
  start(): void {
    this.timer = setInterval(() => void this.sampleFps(), 10_000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private async sampleFps(): Promise<void> {
    const now = Date.now();
    for (const v of (await this.decoded.get()).values) {
      const camera = String(v.labels.camera);
      const prev = this.last.get(camera);
      if (prev) this.fps.set({ camera }, (v.value - prev.n) / ((now - prev.t) / 1000));
      this.last.set(camera, { t: now, n: v.value });
    }
  }
}
