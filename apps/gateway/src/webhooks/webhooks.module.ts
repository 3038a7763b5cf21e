import { Module } from '@nestjs/common';
import { DomainModule } from '@platewise/domain';
import { AuthModule } from '../auth/auth.module';
import { SessionsModule } from '../auth/session/sessions.module';
import { AccountWebhooksController } from './account-webhooks.controller';
import { WebhookTestEvent } from './webhook-test-event';
import { WebhookTargetsService } from './webhook-targets.service';
import { WebhooksController } from './webhooks.controller';
import { WebhookQueueModule } from './webhook-queue.module';

@Module({
  imports: [AuthModule, DomainModule, SessionsModule, WebhookQueueModule],
  // The API's routes and the dashboard's Webhooks page (with its test event).
  controllers: [WebhooksController, AccountWebhooksController],
  providers: [WebhookTargetsService, WebhookTestEvent],
  exports: [WebhookTargetsService],
})
export class WebhooksModule {}
