import { Module } from '@nestjs/common';
import { DomainModule } from '@platewise/domain';
import { AuthModule } from '../auth/auth.module';
import { MetricsModule } from '../metrics/metrics.module';
import { ReadsModule } from '../reads/reads.module';
import { CLAIM_MS, DEFAULT_CLAIM_MS, IdempotencyKeys } from './idempotency-keys';
import { StreamEventsController } from './stream-events.controller';
import { StreamEventsService } from './stream-events.service';
import { WebhookQueueModule } from '../webhooks/webhook-queue.module';

@Module({
  imports: [AuthModule, DomainModule, MetricsModule, ReadsModule, WebhookQueueModule],
  controllers: [StreamEventsController],
  providers: [
    StreamEventsService,
    IdempotencyKeys,
    { provide: CLAIM_MS, useValue: DEFAULT_CLAIM_MS },
  ],
})
export class StreamModule {}
