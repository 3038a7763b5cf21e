import { Module } from '@nestjs/common';
import { DomainModule } from '@platewise/domain';
import { AuthModule } from '../auth/auth.module';
import { SessionsModule } from '../auth/session/sessions.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { AdminController } from './admin.controller';
import { OperatorConsoleController } from './operator-console.controller';
import { OperatorListsController } from './operator-lists.controller';

/** The operators' operations: the admin API (ADMIN_TOKEN) and the dashboard's console (sessions). */
@Module({
  imports: [AuthModule, DomainModule, SessionsModule, WebhooksModule],
  controllers: [AdminController, OperatorConsoleController, OperatorListsController],
})
export class AdminModule {}
