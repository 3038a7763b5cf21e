import { Module } from '@nestjs/common';
import { DomainModule } from '@platewise/domain';
import { AuthModule } from '../auth/auth.module';
import { MetricsModule } from '../metrics/metrics.module';
import { ReadsModule } from '../reads/reads.module';
import { PlateReaderController } from './plate-reader.controller';
import { PlateReaderService } from './plate-reader.service';
import { QueuedCalls } from './queued-call.service';
import { RECOGNITION_CLIENT, recognitionOverRedis } from './recognition.provider';
import { WebhookQueueModule } from '../webhooks/webhook-queue.module';

@Module({
  imports: [AuthModule, DomainModule, MetricsModule, ReadsModule, WebhookQueueModule],
  controllers: [PlateReaderController],
  providers: [PlateReaderService, QueuedCalls, recognitionOverRedis],
  // The recognition client and the queued-call steps too: the redaction route uses both.
  exports: [PlateReaderService, QueuedCalls, RECOGNITION_CLIENT],
})
export class PlateReaderModule {}
