import { Module } from '@nestjs/common';
import { DomainModule } from '@platewise/domain';
import { AuthModule } from '../auth/auth.module';
import { SessionsModule } from '../auth/session/sessions.module';
import { MetricsModule } from '../metrics/metrics.module';
import { PlateReaderModule } from '../plate-reader/plate-reader.module';
import { RedactModule } from '../redact/redact.module';
import { TryItController, TryItRedactController } from './try-it.controller';

/**
 * The dashboard's "Try it": the plate reader's and redaction's own endpoints for a signed-in
 * session (MetricsModule: the calls are metered, and QuotaGuard counts refusals).
 */
@Module({
  imports: [
    AuthModule,
    DomainModule,
    MetricsModule,
    PlateReaderModule,
    RedactModule,
    SessionsModule,
  ],
  controllers: [TryItController, TryItRedactController],
})
export class TryItModule {}
