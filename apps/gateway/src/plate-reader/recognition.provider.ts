import type { Provider } from '@nestjs/common';
import { AppConfig, RedisService } from '@platewise/infra';
import { BullMqTransport, RecognitionClient } from '@platewise/recognition';
import { MetricsService } from '../metrics/metrics.service';

/** Token of the gateway's RecognitionClient; tests swap its transport for an in-process one. */
export const RECOGNITION_CLIENT = 'RecognitionClient';

/** Calls go over BullMQ to the workers; the queue's depth is reported at each metrics scrape. */
export const recognitionOverBullMq: Provider = {
  provide: RECOGNITION_CLIENT,
  inject: [AppConfig, RedisService, MetricsService],
  useFactory: async (config: AppConfig, redis: RedisService, metrics: MetricsService) => {
    const transport = new BullMqTransport(config, redis);
    await transport.start();
    metrics.beforeScrape(async () => {
      const counts = await transport.queueCounts();
      for (const [state, n] of Object.entries(counts))
        metrics.queueJobs.set({ queue: 'recognition', state }, n);
    });
    return new RecognitionClient(transport);
  },
};
