/** A one-line progress bar with rate and ETA, redrawn on stderr. */
export class Progress {
  private done = 0;
  private failed = 0;
  private readonly started = Date.now();
  private lastDraw = 0;

  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  tick(ok: boolean): void {
    this.done++;
    if (!ok) this.failed++;
    const now = Date.now();
    if (now - this.lastDraw > 200 || this.done === this.total) {
      this.lastDraw = now;
      this.stream.write(
        `\r${formatProgress(this.done, this.total, this.failed, (now - this.started) / 1000)}`,
      );
    }
  }

  finish(): void {
    this.stream.write('\n');
  }
}

export function formatProgress(
  done: number,
  total: number,
  failed: number,
  elapsedS: number,
  width = 30,
): string {
  const frac = total ? done / total : 1;
  const filled = Math.round(frac * width);
  const rate = elapsedS > 0 ? done / elapsedS : 0;
  const eta = rate > 0 ? (total - done) / rate : 0;
  const bar = '#'.repeat(filled) + '-'.repeat(width - filled);
  const fail = failed ? ` ${failed} failed` : '';
  return `[${bar}] ${done}/${total} ${(frac * 100).toFixed(0)}% ${rate.toFixed(1)} img/s ETA ${clock(eta)}${fail}`;
}

export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
