import { Module } from '@nestjs/common';
import { DomainModule } from '@platewise/domain';
import { AuthModule } from '../auth/auth.module';
import { MetricsModule } from '../metrics/metrics.module';
import { PlateReaderModule } from '../plate-reader/plate-reader.module';
import { RedactController } from './redact.controller';
import { RedactService } from './redact.service';

/** Redaction rides the plate reader's recognition client (one queue, one worker pool). */
@Module({
  imports: [AuthModule, DomainModule, MetricsModule, PlateReaderModule],
  controllers: [RedactController],
  providers: [RedactService],
  exports: [RedactService],
})
export class RedactModule {}
