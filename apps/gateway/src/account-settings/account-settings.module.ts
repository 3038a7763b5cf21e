import { Module } from '@nestjs/common';
import { DomainModule } from '@platewise/domain';
import { AuthModule } from '../auth/auth.module';
import { SessionsModule } from '../auth/session/sessions.module';
import { AccountSettingsController } from './account-settings.controller';

/** The owner's own settings (notice e-mail, security) and notices, from the dashboard. */
@Module({
  imports: [AuthModule, DomainModule, SessionsModule],
  controllers: [AccountSettingsController],
})
export class AccountSettingsModule {}
