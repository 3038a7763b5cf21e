import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { WebhookTargetsService } from './webhook-targets.service';
import { WebhooksController } from './webhooks.controller';

@Module({
  imports: [AuthModule],
  controllers: [WebhooksController],
  providers: [WebhookTargetsService],
  exports: [WebhookTargetsService],
})
export class WebhooksModule {}
