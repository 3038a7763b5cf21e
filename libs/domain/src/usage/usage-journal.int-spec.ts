/**
 * UsageJournal on the real PostgreSQL and Redis: a served call is counted once after the answer,
 * whoever counts it and however often; entries a dead gateway left in Redis are counted by another
 * process's sweep; calls served while Redis is unreachable are counted from memory; reads wait
 * for this process's calls.
 */
import { RedisService, SqlPool } from '@platewise/infra';
import { randomUUID } from 'node:crypto';
import { isoDay } from '../contracts/periods';
import { domainContext } from '../test-support/domain-context';
import type { RequestType } from './request-types';
import { UsageCall, UsageJournal } from './usage-journal';
import { UsageService } from './usage.service';
import { UsageVersions } from './usage-versions';

describe('UsageJournal (real PostgreSQL and Redis)', () => {
  let ctx: Awaited<ReturnType<typeof domainContext>>;
  let journal: UsageJournal;
  let usage: UsageService;
  let redis: RedisService;
  const now = new Date();

  beforeAll(async () => {
    ctx = await domainContext();
    journal = ctx.app.get(UsageJournal);
    usage = ctx.app.get(UsageService);
    redis = ctx.app.get(RedisService);
  });
  afterAll(() => ctx.close());

  const call = (accountId: string, at = now.getTime(), requestType: RequestType = 'plate_reader') =>
    ({
      callId: randomUUID(),
      accountId,
      requestType,
      aboveQuota: false,
      day: isoDay(new Date(at)),
      at,
    }) satisfies UsageCall;
  const count = async (accountId: string) =>
    (await usage.totals(accountId, new Date(now.getTime() - 86_400_000), null)).plate_reader.count;
  const entries = (accountId: string) => redis.hlen(`usage-journal:${accountId}`);

  it('counts a recorded call right after, and a read waits for it', async () => {
    const { accountId } = await ctx.account();
    journal.record(call(accountId));
    journal.record(call(accountId));
    // No settled() here: the read itself waits for this process's calls.
    expect(await count(accountId)).toBe(2);
    await journal.settled();
    // Counted calls leave Redis (the FORGET was sent right after the count).
    await redis.ping();
    expect(await entries(accountId)).toBe(0);
    expect(await redis.sismember('usage-journal:accounts', accountId)).toBe(0);
  });

  it("changes the account's usage version once its calls are counted, not before", async () => {
    const { accountId } = await ctx.account();
    const versions = ctx.app.get(UsageVersions);
    versions.setLive(true);
    const before = versions.version(accountId);
    const other = versions.version('another-account');
    await journal.apply([call(accountId)]);
    expect(versions.version(accountId)).not.toBe(before);
    expect(versions.version('another-account')).toBe(other);
  });

  it('counts a call applied twice (its gateway and a sweep, or a retry) once', async () => {
    const { accountId } = await ctx.account();
    const c = call(accountId);
    await Promise.all([journal.apply([c]), journal.apply([c])]);
    await journal.apply([c, call(accountId)]);
    expect(await count(accountId)).toBe(2);
  });

  it("counts the entries a dead gateway left in Redis in another process's sweep, once", async () => {
    const { accountId } = await ctx.account();
    // What a gateway that journaled three calls and died before counting them left behind.
    const old = now.getTime() - 60_000;
    const left = [call(accountId, old), call(accountId, old), call(accountId, old)];
    // One of them it had counted already (it died before its FORGET).
    await journal.apply([left[0]]);
    for (const c of left)
      await redis.hset(`usage-journal:${accountId}`, c.callId, JSON.stringify(c));
    await redis.sadd('usage-journal:accounts', accountId);
    // A fresh entry (a live gateway is counting it) is left to its gateway.
    const fresh = call(accountId);
    await redis.hset(`usage-journal:${accountId}`, fresh.callId, JSON.stringify(fresh));

    // Another process (this one's own sweep runs on its timer) finds them.
    const other = new UsageJournal(ctx.app.get(SqlPool), redis, ctx.app.get(UsageVersions));
    await other.sweep();
    expect(await count(accountId)).toBe(3);
    expect(await redis.hkeys(`usage-journal:${accountId}`)).toEqual([fresh.callId]);
    // Swept again (and by this process): nothing counted twice; the fresh one once it is old.
    await other.sweep();
    await journal.sweep(now.getTime() + 60_000);
    expect(await count(accountId)).toBe(4);
    expect(await entries(accountId)).toBe(0);
  });

  it('counts calls served while Redis is unreachable from memory', async () => {
    const { accountId } = await ctx.account();
    // A Redis connection to a port nothing listens on: every command fails.
    const down = RedisService.connect({
      ...ctx.config,
      REDIS_URL: 'redis://127.0.0.1:1',
    });
    down.on('error', () => undefined);
    const offline = new UsageJournal(ctx.app.get(SqlPool), down, ctx.app.get(UsageVersions));
    try {
      offline.record(call(accountId));
      offline.record(call(accountId));
      await offline.settled(accountId);
      expect(await count(accountId)).toBe(2);
    } finally {
      down.disconnect();
    }
  });

  it('keeps calls while PostgreSQL refuses them and counts them, once, as soon as it takes them', async () => {
    const { accountId } = await ctx.account();
    const sql = ctx.app.get(SqlPool);
    let down = true;
    // The real pool, made to fail its statements while `down`, as a restarting server would.
    const flaky = new Proxy(sql, {
      get: (target, prop) =>
        prop === 'query'
          ? (...args: Parameters<SqlPool['query']>) =>
              down
                ? Promise.reject(new Error('the database system is starting up'))
                : (target.query as (...a: unknown[]) => unknown).apply(target, args)
          : Reflect.get(target, prop),
    }) as SqlPool;
    const restarting = new UsageJournal(flaky, redis, ctx.app.get(UsageVersions));
    restarting.record(call(accountId));
    // While refused, settled() tries once more and does not hang a read.
    await restarting.settled(accountId);
    expect(await count(accountId)).toBe(0);
    // The database is back: the read's settled() makes the retry now rather than after its wait.
    down = false;
    await restarting.settled(accountId);
    expect(await count(accountId)).toBe(1);
    await restarting.settled(accountId);
    expect(await count(accountId)).toBe(1);
  });
});
