import { DynamicModule, Module } from '@nestjs/common';
import { DomainModule } from '@platewise/domain';
import { AppConfig, ConfigModule } from '@platewise/infra';
import { RecognitionProcessor } from './recognition/recognition.processor';
import { WebhookDeliveryProcessor } from './webhooks/webhook-delivery.processor';

@Module({})
export class WorkerModule {
  static forRoot(config?: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), DomainModule],
      providers: [RecognitionProcessor, WebhookDeliveryProcessor],
    };
  }
}
