import { Module } from '@nestjs/common';
import { DomainModule } from '@platewise/domain';
import { AuthModule } from '../auth/auth.module';
import { SessionsModule } from '../auth/session/sessions.module';
import { AccountUsageController } from './account-usage.controller';
import { UsageReportsController } from './usage-reports.controller';
import { UsageReportsService } from './usage-reports.service';

@Module({
  imports: [AuthModule, DomainModule, SessionsModule],
  // The Plate Recognizer / Pl@ntNet routes and the dashboard's overview and usage pages.
  controllers: [UsageReportsController, AccountUsageController],
  providers: [UsageReportsService],
  exports: [UsageReportsService],
})
export class UsageReportsModule {}
