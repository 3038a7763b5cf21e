import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule } from '@platewise/infra';
import { AccountSettingsModule } from './account-settings/account-settings.module';
import { AdminModule } from './admin/admin.module';
import { ApiKeysModule } from './api-keys/api-keys.module';
import { SessionsModule } from './auth/session/sessions.module';
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
import { TryItModule } from './try-it/try-it.module';

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
        SessionsModule,
        AccountSettingsModule,
        ApiKeysModule,
        TryItModule,
      ],
    };
  }
}
