import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@platewise/infra';
import { AccountWebModule } from './account-web/account-web.module';
import { AdminModule } from './admin/admin.module';
import { HealthModule } from './health/health.module';
import { InfoModule } from './info/info.module';
import { MetricsModule } from './metrics/metrics.module';
import { PlateReaderModule } from './plate-reader/plate-reader.module';
import { RedactModule } from './redact/redact.module';
import { StreamModule } from './stream/stream.module';
import { UsageReportsModule } from './usage-reports/usage-reports.module';
import { WebhooksModule } from './webhooks/webhooks.module';
import { ReadsModule } from './reads/reads.module';
import { WatchlistsModule } from './watchlists/watchlists.module';

@Module({})
export class AppModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        HealthModule,
        AdminModule,
        InfoModule,
        UsageReportsModule,
        PlateReaderModule,
        RedactModule,
        StreamModule,
        WebhooksModule,
        ReadsModule,
        WatchlistsModule,
        MetricsModule,
        AccountWebModule,
      ],
    };
  }
}
