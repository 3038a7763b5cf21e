import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { UsageReportsModule } from '../usage-reports/usage-reports.module';
import { InfoController } from './info.controller';

/** The on-premise SDK's `GET /info/`. */
@Module({ imports: [AuthModule, UsageReportsModule], controllers: [InfoController] })
export class InfoModule {}
