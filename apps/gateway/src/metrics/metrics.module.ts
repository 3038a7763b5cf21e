import { Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { AuthModule } from '../auth/auth.module';
import { PlateReaderModule } from '../plate-reader/plate-reader.module';
import { MetricsController } from './metrics.controller';
import { MetricsService } from './metrics.service';

@Global()
@Module({
  imports: [AuthModule, PlateReaderModule],
  controllers: [MetricsController],
  providers: [MetricsService],
  exports: [MetricsService],
})
export class MetricsModule implements NestModule {
  constructor(private readonly metrics: MetricsService) {}

  /** Times every request; the route label is the matched pattern, so ids do not explode cardinality. */
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply((req: Request, res: Response, next: NextFunction) => {
        const stop = this.metrics.requests.startTimer();
        res.on('finish', () =>
          stop({ route: req.route?.path ?? 'unmatched', method: req.method, status: String(res.statusCode) }),
        );
        next();
      })
      .forRoutes('*');
  }
}
