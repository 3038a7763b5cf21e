import { DynamicModule, Module } from '@nestjs/common';
import { DomainModule } from '@platewise/domain';
import { AppConfig, ConfigModule, DependenciesHealthModule } from '@platewise/infra';
import { WorkerHttpServer } from './health/worker-http.server';
import { WorkerMetrics } from './metrics/worker-metrics';
import { RecognitionProcessor } from './recognition/recognition.processor';
import { WebhookDeliveryProcessor } from './webhooks/webhook-delivery.processor';
import { EmailDeliveryProcessor } from './email/email-delivery.processor';
import { ReadsPurge } from './reads/reads-purge';
import { ContractReminderJob } from './contracts/contract-reminder.job';
import { HeldNoticesJob } from './notifications/held-notices.job';

@Module({})
export class WorkerModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), DomainModule, DependenciesHealthModule],
      providers: [
        WorkerMetrics,
        WorkerHttpServer,
        RecognitionProcessor,
        WebhookDeliveryProcessor,
        EmailDeliveryProcessor,
        ReadsPurge,
        ContractReminderJob,
        HeldNoticesJob,
      ],
    };
  }
}
