/** pendingMigrations: what an initContainer waiting for the migration Job asks (real PostgreSQL). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { dropDatabase, ensureDatabase, pendingMigrations } from './migrator';

const MIGRATIONS = join(__dirname, '..', '..', '..', '..', 'prisma', 'migrations');
const all = readdirSync(MIGRATIONS, { withFileTypes: true })
  .filter((e) => e.isDirectory())
  .map((e) => e.name)
  .sort();

describe('pendingMigrations', () => {
  it('is empty on a migrated database (the test run migrated its own)', async () => {
    expect(await pendingMigrations(process.env.DATABASE_URL!, MIGRATIONS)).toEqual([]);
  });

  it('lists every migration while the database or its migrations table does not exist yet', async () => {
    const missing = `${process.env.DATABASE_URL}_absent`;
    expect(await pendingMigrations(missing, MIGRATIONS)).toEqual(all);
    const empty = `${process.env.DATABASE_URL}_empty`;
    await ensureDatabase(empty);
    try {
      expect(await pendingMigrations(empty, MIGRATIONS)).toEqual(all);
    } finally {
      await dropDatabase(empty);
    }
  });
});
