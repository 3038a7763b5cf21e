import type { Provider } from '@nestjs/common';
import { AppConfig, RedisService } from '@platewise/infra';
import { HandOverTransport, RECOGNITION_QUEUE, RecognitionClient } from '@platewise/recognition';
import { MetricsService } from '../metrics/metrics.service';

/** Token of the gateway's RecognitionClient; tests swap its transport for an in-process one. */
export const RECOGNITION_CLIENT = 'RecognitionClient';

/**
 * Calls go over the Redis hand-over to the workers (on the quota's connection, so that an upload's
 * slot and its job are one script); the queue's depth is reported at each metrics scrape.
 */
export const recognitionOverRedis: Provider = {
  provide: RECOGNITION_CLIENT,
  inject: [AppConfig, RedisService, MetricsService],
  useFactory: async (config: AppConfig, redis: RedisService, metrics: MetricsService) => {
    const transport = new HandOverTransport(config, redis);
    await transport.start();
    metrics.beforeScrape(async () => {
      const counts = await transport.queueCounts();
      for (const [state, n] of Object.entries(counts))
        metrics.queueJobs.set({ queue: RECOGNITION_QUEUE, state }, n);
    });
    return new RecognitionClient(transport);
  },
};
