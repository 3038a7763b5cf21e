import { Module } from '@nestjs/common';
import { DomainModule } from '@platewise/domain';
import { AuthModule } from '../auth/auth.module';
import { SessionsModule } from '../auth/session/sessions.module';
import { AccountSettingsController } from './account-settings.controller';
import { EmailConfirmationController } from './email-confirmation.controller';

/**
 * The owner's own settings (notice e-mail, security) and notices, from the dashboard, and the
 * route the link confirming a notice address leads to.
 */
@Module({
  imports: [AuthModule, DomainModule, SessionsModule],
  controllers: [AccountSettingsController, EmailConfirmationController],
})
export class AccountSettingsModule {}
