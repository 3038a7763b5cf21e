import { loadConfig, RedisService } from '../../libs/infra/src';
import { RecognitionQueue } from '../../libs/recognition/src';

/** The recognition queue under a REDIS_PREFIX (the configured one by default), to look into it. */
export function openRecognitionQueue(prefix = loadConfig().REDIS_PREFIX) {
  const redis = RedisService.connect({ ...loadConfig(), REDIS_PREFIX: prefix });
  const queue = new RecognitionQueue(redis);
  return Object.assign(queue, {
    close: () => redis.quit().then(() => undefined),
    activeCount: async () => (await queue.counts()).active,
  });
}
