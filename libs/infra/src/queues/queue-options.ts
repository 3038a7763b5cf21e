import type { Queue, QueueOptions, Worker } from 'bullmq';
import type { Cluster, RedisOptions } from 'ioredis';
import { AppConfig } from '../config/app-config';
import { connectRedis, parseRedisUrl } from '../redis/connection';

/**
 * BullMQ settings shared by producers and consumers: same Redis, same key prefix. On Redis
 * Cluster the connection is a Cluster client made for this queue or worker (BullMQ only creates
 * single-server connections itself), which closeQueue closes with it.
 */
export function queueOptions(
  config: AppConfig,
): QueueOptions & { connection: RedisOptions | Cluster } {
  const target = parseRedisUrl(config.REDIS_URL);
  // BullMQ's blocking commands need unlimited retries.
  const connection =
    target.kind === 'cluster'
      ? (connectRedis(config.REDIS_URL, { maxRetriesPerRequest: null }) as Cluster)
      : { ...target.options, maxRetriesPerRequest: null };
  return { prefix: queuePrefix(config), connection };
}

/** The prefix of every BullMQ key: `<prefix>:<queue>:wait` is a queue's list of waiting jobs. */
export const queuePrefix = (config: Pick<AppConfig, 'REDIS_PREFIX'>) =>
  `${config.REDIS_PREFIX}bull`;

/** Closes a queue or worker (a worker finishes its active jobs first), then its connection. */
export async function closeQueue(queue: Queue | Worker): Promise<void> {
  await queue.close();
  // A no-op where BullMQ owned the connection (closed above); closes a Cluster client it was given.
  await queue.disconnect();
}
