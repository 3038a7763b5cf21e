import { Module } from '@nestjs/common';
import { DomainModule } from '@platewise/domain';
import { AuthModule } from '../auth/auth.module';
import { UsageReportsController } from './usage-reports.controller';
import { UsageReportsService } from './usage-reports.service';

@Module({
  imports: [AuthModule, DomainModule],
  controllers: [UsageReportsController],
  providers: [UsageReportsService],
  exports: [UsageReportsService],
})
export class UsageReportsModule {}
