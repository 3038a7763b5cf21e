import { Module } from '@nestjs/common';
import { DomainModule } from '@platewise/domain';
import { AuthModule } from '../auth/auth.module';
import { MetricsModule } from '../metrics/metrics.module';
import { SessionsModule } from '../auth/session/sessions.module';
import { AccountReadsController } from './account-reads.controller';
import { ReadRecorder } from './read-recorder';
import { ReadsController } from './reads.controller';
import { WebhookQueueModule } from '../webhooks/webhook-queue.module';

@Module({
  imports: [AuthModule, DomainModule, MetricsModule, SessionsModule, WebhookQueueModule],
  // The API's search and the dashboard's Reads page (and its CSV).
  controllers: [ReadsController, AccountReadsController],
  // Where counted plate-reader calls leave their reads (the history and watchlist matching).
  providers: [ReadRecorder],
  exports: [ReadRecorder],
})
export class ReadsModule {}
