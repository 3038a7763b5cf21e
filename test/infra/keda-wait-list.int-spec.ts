/**
 * The list KEDA's redis scaler reads (infra/k8s ScaledObjects): BullMQ keeps a queue's waiting
 * jobs in the Redis LIST <REDIS_PREFIX>bull:<queue>:wait, so LLEN is the backlog. Real Redis.
 */
import { loadConfig, queueOptions } from '@platewise/infra';
import { RECOGNITION_QUEUE } from '@platewise/recognition';
import { Queue } from 'bullmq';
import Redis from 'ioredis';

describe('the recognition wait list', () => {
  it("BullMQ keeps a queue's waiting jobs in the Redis LIST that the ScaledObjects name (LLEN is the backlog)", async () => {
    const prefix = `${process.env.REDIS_PREFIX}keda:`;
    const config = loadConfig({ ...process.env, REDIS_PREFIX: prefix });
    const queue = new Queue(RECOGNITION_QUEUE, queueOptions(config));
    const redis = new Redis(config.REDIS_URL);
    try {
      await queue.addBulk([1, 2, 3].map((n) => ({ name: 'read', data: { n } })));
      const key = `${prefix}bull:${RECOGNITION_QUEUE}:wait`;
      expect(await redis.type(key)).toBe('list');
      expect(await redis.llen(key)).toBe(3);
      expect(await queue.getWaitingCount()).toBe(3);
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
      redis.disconnect();
    }
  });
});
