import Redis from 'ioredis';
import { dropDatabase } from '../libs/infra/src/database/migrator';

export default async function globalTeardown(): Promise<void> {
  const { DATABASE_URL, REDIS_PREFIX, REDIS_URL } = process.env;
  if (DATABASE_URL?.includes('/platewise_test_')) await dropDatabase(DATABASE_URL);
  if (REDIS_PREFIX?.startsWith('platewise-test:')) {
    const redis = new Redis(REDIS_URL ?? 'redis://127.0.0.1:6379');
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${REDIS_PREFIX}*`, 'COUNT', 500);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
  }
}
