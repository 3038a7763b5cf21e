import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@platewise/infra';
import type { NextFunction, Request, Response } from 'express';

const RETRY_SECONDS = 1;

/**
 * What the gateway does on SIGTERM, before Nest closes its HTTP server (which then waits for the
 * requests in flight; Redis and the database close only after that). First `draining`: readiness
 * fails so load balancers stop sending calls, but calls still arriving are served, for
 * SHUTDOWN_DELAY_MS. Then `closing`: a request that still reaches this gateway on a kept-alive
 * connection is refused with a 503 and a retry hint, before any quota is taken. Every answer from
 * the first step on closes its connection, so clients reconnect to another replica.
 */
@Injectable()
export class DrainService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Drain');
  private state: 'serving' | 'draining' | 'closing' = 'serving';

  constructor(private readonly config: AppConfig) {}

  get draining(): boolean {
    return this.state !== 'serving';
  }

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.state = 'draining';
    this.logger.log(
      `${signal ?? 'shutdown'}: not ready; serving for ${this.config.SHUTDOWN_DELAY_MS} ms more, then finishing the calls in flight`,
    );
    await new Promise((resolve) => setTimeout(resolve, this.config.SHUTDOWN_DELAY_MS));
    this.state = 'closing';
  }

  /** Express middleware applied to every route (see HealthModule). */
  readonly middleware = (req: Request, res: Response, next: NextFunction): void => {
    if (this.state === 'serving') return next();
    res.setHeader('Connection', 'close');
    if (this.state === 'draining') return next();
    res
      .status(503)
      .setHeader('Retry-After', String(RETRY_SECONDS))
      .json({
        detail: `This gateway is shutting down. Retry in ${RETRY_SECONDS} seconds.`,
        retry_after: RETRY_SECONDS,
      });
  };
}
