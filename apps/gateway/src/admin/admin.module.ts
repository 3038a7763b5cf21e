import { Module } from '@nestjs/common';
import { DomainModule } from '@platewise/domain';
import { AuthModule } from '../auth/auth.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { AdminController } from './admin.controller';

@Module({ imports: [AuthModule, DomainModule, WebhooksModule], controllers: [AdminController] })
export class AdminModule {}
