import { Module } from '@nestjs/common';
import { DomainModule } from '@platewise/domain';
import { AuthModule } from '../auth/auth.module';
import { MetricsModule } from '../metrics/metrics.module';
import { PlateReaderController } from './plate-reader.controller';
import { PlateReaderService } from './plate-reader.service';
import { recognitionOverBullMq } from './recognition.provider';

@Module({
  imports: [AuthModule, DomainModule, MetricsModule],
  controllers: [PlateReaderController],
  providers: [PlateReaderService, recognitionOverBullMq],
  exports: [PlateReaderService],
})
export class PlateReaderModule {}
