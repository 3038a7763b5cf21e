import { Module, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@platewise/infra';
import { BullMqWebhookSink } from '@platewise/recognition';

/**
 * The gateway's one client of the webhook delivery queue (one Redis connection): counted calls'
 * answers, watchlist matches, stream events and test events are all queued through it.
 */
@Module({
  providers: [
    {
      provide: BullMqWebhookSink,
      useFactory: (config: AppConfig) => new BullMqWebhookSink(config),
      inject: [AppConfig],
    },
  ],
  exports: [BullMqWebhookSink],
})
export class WebhookQueueModule implements OnApplicationShutdown {
  constructor(private readonly sink: BullMqWebhookSink) {}

  // Nest shuts an imported module down after the modules that import it, so what those queue
  // while they stop (the read recorder's last watchlist matches) is in Redis before this closes.
  onApplicationShutdown(): Promise<void> {
    return this.sink.close();
  }
}
