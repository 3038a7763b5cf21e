import { Logger } from '@nestjs/common';

/** An outage is over once this long passes without another call answered 503 for it. */
export const OUTAGE_QUIET_MS = 10_000;

/**
 * Logs an outage of Redis or PostgreSQL once, when the first call fails for it, and once more when
 * it is over, with how many calls were answered 503 meanwhile: a stack per call would bury the
 * log (hundreds of lines in a few seconds) and say nothing more.
 */
export class OutageLog {
  private count = 0;
  private started = 0;
  private quiet?: NodeJS.Timeout;

  constructor(
    private readonly logger: Pick<Logger, 'warn'>,
    private readonly quietMs = OUTAGE_QUIET_MS,
  ) {}

  report(error: Error): void {
    if (this.count === 0) {
      this.started = Date.now();
      this.logger.warn(`outage: ${error.message}; answering 503 until it recovers`);
    }
    this.count++;
    clearTimeout(this.quiet);
    this.quiet = setTimeout(() => this.end(), this.quietMs);
    this.quiet.unref();
  }

  private end(): void {
    const seconds = Math.round((Date.now() - this.started - this.quietMs) / 100) / 10;
    this.logger.warn(
      `outage over: ${this.count} call${this.count === 1 ? '' : 's'} answered 503 in ${Math.max(0, seconds)} s`,
    );
    this.count = 0;
  }
}
