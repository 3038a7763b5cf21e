import { Module } from '@nestjs/common';
import { DomainModule } from '@platewise/domain';
import { AuthModule } from '../auth/auth.module';
import { MetricsModule } from '../metrics/metrics.module';
import { PlateReaderController } from './plate-reader.controller';
import { PlateReaderService } from './plate-reader.service';
import { RECOGNITION_CLIENT, recognitionOverBullMq } from './recognition.provider';

@Module({
  imports: [AuthModule, DomainModule, MetricsModule],
  controllers: [PlateReaderController],
  providers: [PlateReaderService, recognitionOverBullMq],
  // The recognition client too: the redaction route sends its jobs through it.
  exports: [PlateReaderService, RECOGNITION_CLIENT],
})
export class PlateReaderModule {}
