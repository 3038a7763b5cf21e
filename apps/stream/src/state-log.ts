/**
 * Which source states a camera logs: every change, and while a live source stays lost (it is
 * retried every second), one line a minute saying for how long — a dead camera logged a line a
 * second, 86,400 a day, and buried everything else.
 */
export class SourceStateLog {
  private downSince: number | null = null;
  private lastLine = 0;

  constructor(
    private readonly everyMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The line to log for this state report, or null when it would repeat the last one. */
  line(state: 'connected' | 'lost', detail?: string): string | null {
    const why = detail ? ` (${detail})` : '';
    const t = this.now();
    if (state === 'connected') {
      const after = this.downSince === null ? '' : ` after ${seconds(t - this.downSince)}`;
      this.downSince = null;
      return `connected${after}`;
    }
    if (this.downSince === null) {
      this.downSince = this.lastLine = t;
      return `lost${why}`;
    }
    if (t - this.lastLine < this.everyMs) return null;
    this.lastLine = t;
    return `still lost after ${seconds(t - this.downSince)}${why}`;
  }
}

const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
