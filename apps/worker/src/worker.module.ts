import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule, DomainModule } from '@platewise/domain';
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
