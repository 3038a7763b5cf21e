import { Module } from '@nestjs/common';
import { DomainModule } from '@platewise/domain';
import { AuthModule } from '../auth/auth.module';
import { SessionsModule } from '../auth/session/sessions.module';
import { AccountKeysController } from './account-keys.controller';

/** The dashboard's API keys page (the operators' key routes are in admin/). */
@Module({
  imports: [AuthModule, DomainModule, SessionsModule],
  controllers: [AccountKeysController],
})
export class ApiKeysModule {}
