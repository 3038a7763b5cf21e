/**
 * The list KEDA's redis scaler reads (infra/k8s ScaledObjects): the recognition queue keeps its
 * waiting jobs, one element each, in the Redis LIST <REDIS_PREFIX>recognition:wait, so LLEN is the
 * backlog. Real Redis.
 */
import { loadConfig, RedisService, runScript } from '@platewise/infra';
import { handOverStep, QUEUE_KEYS, RecognitionQueue } from '@platewise/recognition';
import Redis from 'ioredis';

describe('the recognition wait list', () => {
  it("keeps a queue's waiting jobs in the Redis LIST that the ScaledObjects name (LLEN is the backlog)", async () => {
    const prefix = `${process.env.REDIS_PREFIX}keda:`;
    const config = loadConfig({ ...process.env, REDIS_PREFIX: prefix });
    const connection = RedisService.connect(config);
    const queue = new RecognitionQueue(connection);
    const redis = new Redis(config.REDIS_URL);
    try {
      for (const n of [1, 2, 3])
        await runScript(connection, handOverStep(Buffer.from(`{"id":"${n}"}\nimage`)));
      const key = `${prefix}${QUEUE_KEYS.wait}`;
      expect(key).toBe(`${prefix}recognition:wait`);
      expect(await redis.type(key)).toBe('list');
      expect(await redis.llen(key)).toBe(3);
      expect((await queue.counts()).waiting).toBe(3);
    } finally {
      await queue.obliterate();
      await connection.quit();
      redis.disconnect();
    }
  });
});
