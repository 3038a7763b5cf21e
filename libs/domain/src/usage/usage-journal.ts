import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { RedisService, SqlPool } from '@platewise/infra';
import { DAY_MS } from '../contracts/periods';
import type { RequestType } from './request-types';
import { UsageVersions } from './usage-versions';

/** One served call, as the usage journal keeps it until it is counted. */
export interface UsageCall {
  /** unique per call: applying the same id twice counts it once */
  callId: string;
  accountId: string;
  requestType: RequestType;
  aboveQuota: boolean;
  /** the UTC day it is counted on (YYYY-MM-DD) */
  day: string;
  /** when it was served (ms since the epoch) */
  at: number;
}

/** Accounts with journal entries in Redis, and each one's entries (call id → UsageCall JSON). */
const ACCOUNTS = 'usage-journal:accounts';
const entriesKey = (accountId: string) => `usage-journal:${accountId}`;

const JOURNAL = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
return 0`;

// Drops counted entries, and the account from the set once it has none left.
const FORGET = `
if #ARGV > 1 then redis.call('HDEL', KEYS[1], unpack(ARGV, 2)) end
if redis.call('HLEN', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[1]) end
return 0`;

/** How often every process looks for entries a dead gateway left in Redis. */
const SWEEP_MS = 5_000;
/** An entry this old is counted by whoever sweeps: its gateway counts its own within milliseconds. */
const ORPHAN_MS = 10_000;
/** How long counted call ids are kept (usage_calls_applied), hence how old an entry may be applied. */
const KEEP_APPLIED_MS = 2 * DAY_MS;
/**
 * How long a served call waits to be counted, so that the calls of that time go in one statement:
 * counted at once, every answer had a PostgreSQL statement and its commit beside it, competing
 * with the next request for the CPU (`bench:gateway`'s tail, docs/gateway-latency.md). Reads of
 * the usage do not wait for it: they count what is pending at once (`settled`).
 */
const COUNT_AFTER_MS = 25;
/** Calls counted in one statement. */
const BATCH = 500;
/** Waits between attempts while PostgreSQL does not take the counts. */
const RETRY_MS = [100, 250, 500, 1_000, 2_000, 5_000];

/**
 * Counts served calls off the response path, exactly once, through a crash of a gateway or the
 * loss of Redis (not both at once). A served call is written to Redis as a journal entry (sent
 * as soon as its answer has been written: Metered) and kept in memory; both are counted in
 * PostgreSQL within `COUNT_AFTER_MS`
 * of the answer, in batches that grow under load. Every call has an id, recorded with its count
 * in one statement (apply), so counting a call again is a no-op: entries a dead gateway left in
 * Redis are counted by any process's sweep, and a gateway whose Redis lost its entries counts
 * them from memory.
 * Nothing is journaled for a call that failed: only Metered's commit records one. Reads of the
 * counters wait for this process's calls first (settled).
 */
@Injectable()
export class UsageJournal implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('UsageJournal');
  /** Calls served here and not yet counted, by id. */
  private readonly pending = new Map<string, UsageCall>();
  private applying?: Promise<void>;
  private failures = 0;
  private retry?: NodeJS.Timeout;
  /** the count of the calls served since the last one, due COUNT_AFTER_MS after the first */
  private soon?: NodeJS.Timeout;
  private sweeper?: NodeJS.Timeout;
  private sweeping = false;
  private forgotAt = 0;

  constructor(
    private readonly sql: SqlPool,
    private readonly redis: RedisService,
    private readonly versions: UsageVersions,
  ) {}

  onApplicationBootstrap(): void {
    this.sweeper = setInterval(() => void this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  /** Counts what this process still holds before it stops; what is left stays in Redis. */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    clearTimeout(this.soon);
    this.soon = undefined;
    await this.settled();
    clearTimeout(this.retry);
    if (this.pending.size > 0)
      this.logger.error(
        `${this.pending.size} served calls not counted at shutdown (PostgreSQL unavailable); their Redis journal entries are counted by the next sweep of any gateway or worker`,
      );
  }

  /**
   * Journals one served call and counts it soon after. Returns at once: the Redis write has been
   * handed to the socket by then (ioredis writes a ready connection's commands synchronously).
   */
  record(call: UsageCall): void {
    this.redis
      .eval(
        JOURNAL,
        2,
        entriesKey(call.accountId),
        ACCOUNTS,
        call.callId,
        JSON.stringify(call),
        call.accountId,
      )
      // Without Redis the call is still counted from memory; only a crash meanwhile loses it.
      .catch(() => undefined);
    this.pending.set(call.callId, call);
    this.soon ??= setTimeout(() => {
      this.soon = undefined;
      this.kick();
    }, COUNT_AFTER_MS);
  }

  /**
   * Resolves once the calls this process served (for `accountId`, or all) are counted, or once an
   * attempt to count them failed (PostgreSQL away: the read that waits fails or comes without
   * them). A retry that is due later is made now: a read right after an outage sees every call.
   */
  async settled(accountId?: string): Promise<void> {
    // A few rounds: calls served while one batch was being counted go in the next.
    for (let round = 0; round < 3; round++) {
      const waiting = [...this.pending.values()].some(
        (c) => accountId === undefined || c.accountId === accountId,
      );
      if (!waiting) return;
      if (this.retry) {
        if (round > 0) return;
        clearTimeout(this.retry);
        this.retry = undefined;
      }
      this.kick();
      await this.applying;
    }
  }

  /**
   * Counts served calls, each once however often it is applied: the call's id goes into
   * usage_calls_applied in the same statement, and only ids new there are counted. One upsert per
   * account, day and type, so concurrent calls never lose an increment. Calls of an account
   * deleted meanwhile are dropped with it.
   */
  async apply(calls: readonly UsageCall[]): Promise<void> {
    if (calls.length === 0) return;
    // After every served call, so through the plain pool (see SqlPool), as a named statement.
    await this.sql.query({
      name: 'apply-usage',
      text: `WITH calls AS (
               SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::date[], $4::text[], $5::int[])
                 AS c(call_id, account_id, day, request_type, above_quota)
               WHERE EXISTS (SELECT 1 FROM accounts a WHERE a.id = c.account_id)
             ), fresh AS (
               INSERT INTO usage_calls_applied (call_id) SELECT call_id FROM calls
               ON CONFLICT DO NOTHING RETURNING call_id
             )
             INSERT INTO daily_usage (account_id, day, request_type, count, above_quota)
             SELECT account_id, day, request_type, count(*)::int, sum(above_quota)::int
             FROM calls JOIN fresh USING (call_id)
             GROUP BY account_id, day, request_type
             ON CONFLICT (account_id, day, request_type)
             DO UPDATE SET count = daily_usage.count + excluded.count,
                           above_quota = daily_usage.above_quota + excluded.above_quota`,
      values: [
        calls.map((c) => c.callId),
        calls.map((c) => c.accountId),
        calls.map((c) => c.day),
        calls.map((c) => c.requestType),
        calls.map((c) => (c.aboveQuota ? 1 : 0)),
      ],
    });
    // The database notifies every gateway; this one knows at once, so its very next answer counts them.
    for (const accountId of new Set(calls.map((c) => c.accountId)))
      this.versions.changed(accountId);
  }

  /** Starts counting the pending calls unless a batch is being counted or a retry is due. */
  private kick(): void {
    if (this.applying || this.retry || this.pending.size === 0) return;
    this.applying = this.applyPending().finally(() => {
      this.applying = undefined;
      this.kick();
    });
  }

  private async applyPending(): Promise<void> {
    const batch = [...this.pending.values()].slice(0, BATCH);
    try {
      await this.apply(batch);
    } catch (error) {
      if (this.failures++ === 0)
        this.logger.warn(
          `served calls not counted yet (${(error as Error).message}); kept and retried`,
        );
      const delay = RETRY_MS[Math.min(this.failures, RETRY_MS.length) - 1];
      this.retry = setTimeout(() => {
        this.retry = undefined;
        this.kick();
      }, delay);
      this.retry.unref();
      return;
    }
    if (this.failures > 0)
      this.logger.log(`served calls counted again after ${this.failures} failed attempts`);
    this.failures = 0;
    for (const call of batch) this.pending.delete(call.callId);
    this.forget(batch);
  }

  /** Drops counted calls' entries from Redis (sent after their JOURNAL on the same connection). */
  private forget(calls: readonly UsageCall[]): Promise<unknown> {
    const byAccount = new Map<string, string[]>();
    for (const c of calls)
      byAccount.set(c.accountId, [...(byAccount.get(c.accountId) ?? []), c.callId]);
    return Promise.all(
      [...byAccount].map(([accountId, ids]) => this.forgetEntries(accountId, ids)),
    );
  }

  private forgetEntries(accountId: string, callIds: string[]): Promise<unknown> {
    return (
      this.redis
        .eval(FORGET, 2, entriesKey(accountId), ACCOUNTS, accountId, ...callIds)
        // An entry left behind is counted again by a sweep: a no-op.
        .catch(() => undefined)
    );
  }

  /**
   * Counts the entries in Redis that no live process is counting: those older than ORPHAN_MS
   * and not this process's own. Entries older than the kept ids cannot be told from counted ones
   * and are dropped with a warning. Also forgets old counted ids, once an hour.
   */
  async sweep(now = Date.now()): Promise<void> {
    if (this.sweeping) return;
    this.sweeping = true;
    try {
      for (const accountId of await this.redis.smembers(ACCOUNTS)) {
        const entries = Object.values(await this.redis.hgetall(entriesKey(accountId))).map(
          (json) => JSON.parse(json) as UsageCall,
        );
        const orphans = entries.filter(
          (c) => now - c.at > ORPHAN_MS && !this.pending.has(c.callId),
        );
        const expired = orphans.filter((c) => now - c.at > KEEP_APPLIED_MS - DAY_MS);
        if (expired.length > 0)
          this.logger.warn(
            `${expired.length} journal entries of account ${accountId} older than a day dropped uncounted`,
          );
        const live = orphans.filter((c) => !expired.includes(c));
        for (let i = 0; i < live.length; i += BATCH) await this.apply(live.slice(i, i + BATCH));
        await this.forgetEntries(
          accountId,
          orphans.map((c) => c.callId),
        );
      }
      if (now - this.forgotAt > 3_600_000) {
        await this.sql.query({
          name: 'forget-applied-usage',
          text: 'DELETE FROM usage_calls_applied WHERE applied_at < $1',
          values: [new Date(now - KEEP_APPLIED_MS)],
        });
        this.forgotAt = now;
      }
    } catch (error) {
      // Redis or PostgreSQL away: the next sweep tries again.
      this.logger.debug(`usage journal sweep: ${(error as Error).message}`);
    } finally {
      this.sweeping = false;
    }
  }
}
