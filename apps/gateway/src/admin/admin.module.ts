import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { AdminController } from './admin.controller';

@Module({ imports: [AuthModule, WebhooksModule], controllers: [AdminController] })
export class AdminModule {}
