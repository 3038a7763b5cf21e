/**
 * KeyOwnerCache on the real PostgreSQL of the test run (migrations applied by the global setup):
 * the database's change notifications are what keep it correct, so they are what is tested.
 */
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { loadConfig } from '@platewise/infra';
import { hashApiKey } from './api-key';
import type { KeyOwner } from './api-keys.service';
import { UsageVersions } from '../usage/usage-versions';
import { KeyOwnerCache } from './key-owner-cache';

const owner = { accountId: 'a', keyId: 'k', webhooks: [] } as unknown as KeyOwner;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('KeyOwnerCache', () => {
  const config = loadConfig();
  const usage = new UsageVersions();
  const cache = new KeyOwnerCache(config, usage);
  const db = new Client({ connectionString: config.DATABASE_URL });
  let lookups = 0;
  const lookup = async () => (lookups++, owner);

  /** Calls until the cache asks the database again (a change reached it), or gives up after 3 s. */
  async function lookedUpAgain(key: string): Promise<boolean> {
    const before = lookups;
    for (let i = 0; i < 150 && lookups === before; i++) {
      await cache.owner(key, lookup);
      if (lookups === before) await sleep(20);
    }
    return lookups > before;
  }

  beforeAll(async () => {
    await Promise.all([cache.onModuleInit(), db.connect()]);
  });

  afterAll(async () => {
    await Promise.all([cache.onApplicationShutdown(), db.end()]);
  });

  it('answers from memory until a change to any table the key lookup reads commits', async () => {
    const key = `pk_${randomUUID()}`;
    expect(await cache.owner(key, lookup)).toBe(owner);
    const first = lookups;
    for (let i = 0; i < 5; i++) expect(await cache.owner(key, lookup)).toBe(owner);
    expect(lookups).toBe(first);
    for (const table of ['api_keys', 'security_settings', 'contracts', 'plans', 'webhooks']) {
      await cache.owner(key, lookup);
      // A statement that changes no row still notifies: the trigger is per statement.
      await db.query(`DELETE FROM "${table}" WHERE false`);
      expect([table, await lookedUpAgain(key)]).toEqual([table, true]);
    }
  });

  it('is emptied by changes that cascade, such as deleting an account with its keys', async () => {
    const accountId = randomUUID();
    const key = `pk_${randomUUID()}`;
    await db.query('INSERT INTO accounts (id, username) VALUES ($1, $2)', [
      accountId,
      `cache-${accountId}`,
    ]);
    await db.query(
      'INSERT INTO api_keys (id, account_id, key_hash, prefix) VALUES ($1, $2, $3, $4)',
      [randomUUID(), accountId, hashApiKey(key), 'pk_x'],
    );
    await sleep(200); // lets those inserts' notifications pass
    await cache.owner(key, lookup);
    const before = lookups;
    await cache.owner(key, lookup);
    expect(lookups).toBe(before);
    await db.query('DELETE FROM accounts WHERE id = $1', [accountId]);
    expect(await lookedUpAgain(key)).toBe(true);
  });

  it('does not keep what a lookup read while a change arrived', async () => {
    const key = `pk_${randomUUID()}`;
    const racing = async () => {
      lookups++;
      await db.query('DELETE FROM "plans" WHERE false');
      await sleep(200);
      return owner;
    };
    await cache.owner(key, racing);
    const before = lookups;
    await cache.owner(key, lookup);
    expect(lookups).toBe(before + 1);
  });

  it("passes each account's committed usage changes on to UsageVersions, and no other's", async () => {
    const accountId = randomUUID();
    const other = randomUUID();
    await db.query('INSERT INTO accounts (id, username) VALUES ($1, $2), ($3, $4)', [
      accountId,
      `usage-${accountId}`,
      other,
      `usage-${other}`,
    ]);
    const before = usage.version(accountId);
    const otherBefore = usage.version(other);
    expect(before).toBeDefined();
    await db.query(
      `INSERT INTO daily_usage (account_id, day, request_type, count, above_quota) VALUES ($1, '2026-01-02', 'plate_reader', 3, 0)`,
      [accountId],
    );
    for (let i = 0; i < 150 && usage.version(accountId) === before; i++) await sleep(20);
    expect(usage.version(accountId)).not.toBe(before);
    expect(usage.version(other)).toBe(otherBefore);
    const afterInsert = usage.version(accountId);
    await db.query('UPDATE daily_usage SET count = count + 1 WHERE account_id = $1', [accountId]);
    for (let i = 0; i < 150 && usage.version(accountId) === afterInsert; i++) await sleep(20);
    expect(usage.version(accountId)).not.toBe(afterInsert);
    await db.query('DELETE FROM accounts WHERE id = ANY($1::uuid[])', [[accountId, other]]);
  });

  it('keeps nothing when KEY_CACHE_TTL_MS is 0', async () => {
    const off = new KeyOwnerCache(
      loadConfig({ ...process.env, KEY_CACHE_TTL_MS: '0' }),
      new UsageVersions(),
    );
    await off.onModuleInit();
    const before = lookups;
    await off.owner('pk_off', lookup);
    await off.owner('pk_off', lookup);
    expect(lookups).toBe(before + 2);
    await off.onApplicationShutdown();
  });

  it('looks every key up while it cannot hear the database, and caches again once it can', async () => {
    const key = `pk_${randomUUID()}`;
    await cache.owner(key, lookup);
    await db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN platewise_auth_changed'`,
    );
    await sleep(100);
    const before = lookups;
    await cache.owner(key, lookup);
    await cache.owner(key, lookup);
    expect(lookups).toBe(before + 2);
    // It listens again within about a second; from then on a looked-up owner is kept.
    await sleep(1500);
    await cache.owner(key, lookup);
    const after = lookups;
    await cache.owner(key, lookup);
    expect(lookups).toBe(after);
  });
});
