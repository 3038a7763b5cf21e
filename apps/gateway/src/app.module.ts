import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule, DomainModule } from '@platewise/domain';
import { AdminModule } from './admin/admin.module';
import { QuotaGuard, UsageInterceptor } from './quota/metered';
import { MetricsModule } from './metrics/metrics.module';
import { PlateReaderModule } from './plate-reader/plate-reader.module';
import { UsageReportsModule } from './usage-reports/usage-reports.module';
import { WebhooksModule } from './webhooks/webhooks.module';

@Module({})
export class AppModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DomainModule,
        AdminModule,
        UsageReportsModule,
        PlateReaderModule,
        WebhooksModule,
        MetricsModule,
      ],
      providers: [QuotaGuard, UsageInterceptor],
      exports: [QuotaGuard, UsageInterceptor],
    };
  }
}
