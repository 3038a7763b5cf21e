import { Module } from '@nestjs/common';
import { DomainModule } from '@platewise/domain';
import { AuthModule } from '../auth/auth.module';
import { WebhookTargetsService } from './webhook-targets.service';
import { WebhooksController } from './webhooks.controller';

@Module({
  imports: [AuthModule, DomainModule],
  controllers: [WebhooksController],
  providers: [WebhookTargetsService],
  exports: [WebhookTargetsService],
})
export class WebhooksModule {}
