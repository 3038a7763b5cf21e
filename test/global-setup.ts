import { applyMigrations, ensureDatabase } from '../libs/infra/src/database/migrator';

/**
 * Each test run gets its own database and Redis key prefix, so runs (and CI on a shared machine)
 * never see each other's data. The values reach every test through the environment.
 */
export default async function globalSetup(): Promise<void> {
  const run = `${process.pid}_${Date.now().toString(36)}`;
  const server = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432';
  const databaseUrl = `${server}/platewise_test_${run}`;
  await ensureDatabase(databaseUrl);
  await applyMigrations(databaseUrl, `${__dirname}/../prisma/migrations`);
  process.env.DATABASE_URL = databaseUrl;
  process.env.REDIS_PREFIX = `platewise-test:${run}:`;
}
