import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { DependenciesHealthModule } from '@platewise/infra';
import { DrainService } from './drain.service';
import { HealthController } from './health.controller';

/** /health/live and /health/ready, and the SIGTERM drain they report. */
@Module({
  imports: [DependenciesHealthModule],
  controllers: [HealthController],
  providers: [DrainService],
})
export class HealthModule implements NestModule {
  constructor(private readonly drain: DrainService) {}

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(this.drain.middleware).forRoutes('*');
  }
}
