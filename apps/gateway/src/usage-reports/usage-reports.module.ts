import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { InfoController } from '../info/info.controller';
import { UsageReportsController } from './usage-reports.controller';
import { UsageReportsService } from './usage-reports.service';

@Module({ imports: [AuthModule], controllers: [UsageReportsController, InfoController], providers: [UsageReportsService] })
export class UsageReportsModule {}
