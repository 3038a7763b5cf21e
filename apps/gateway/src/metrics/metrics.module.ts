import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AuthModule } from '../auth/auth.module';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';
import { requestContext } from '../http/request-context';

@Module({
  imports: [AuthModule],
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule implements NestModule {
  constructor(private readonly metrics: MetricsService) {}

  /**
   * Times every request; the route label is the matched pattern, so ids do not explode cardinality.
   * The time spent in the gateway also goes back to the caller as `Server-Timing: …, app;dur=<ms>`,
   * after the phases the request went through (see ServerTiming and its callers).
   */
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply((req: Request, res: Response, next: NextFunction) => {
        const started = performance.now();
        const stop = this.metrics.requests.startTimer();
        const writeHead = res.writeHead;
        res.writeHead = function (this: Response, ...args: Parameters<Response['writeHead']>) {
          if (!this.headersSent)
            this.setHeader(
              'Server-Timing',
              requestContext(req).timing.header(performance.now() - started),
            );
          return writeHead.apply(this, args);
        } as Response['writeHead'];
        res.on('finish', () =>
          stop({
            route: req.route?.path ?? 'unmatched',
            method: req.method,
            status: String(res.statusCode),
          }),
        );
        next();
      })
      .forRoutes('*');
  }
}
