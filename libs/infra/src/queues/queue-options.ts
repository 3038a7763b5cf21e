import type { QueueOptions } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import { AppConfig } from '../config/app-config';

/** BullMQ settings shared by producers and consumers: same Redis, same key prefix. */
export function queueOptions(config: AppConfig): QueueOptions & { connection: RedisOptions } {
  const url = new URL(config.REDIS_URL);
  return {
    prefix: `${config.REDIS_PREFIX}bull`,
    connection: {
      host: url.hostname,
      port: Number(url.port || 6379),
      username: url.username || undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined,
      // BullMQ's blocking commands need unlimited retries.
      maxRetriesPerRequest: null,
    },
  };
}
