import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DAY_MS, isoDay, startOfUtcDay } from '../contracts/periods';
import { InvalidInputError } from '../errors';
import { SqlPool } from '@platewise/infra';
import { REQUEST_TYPES, RequestType } from './request-types';
import { UsageJournal } from './usage-journal';

export interface Tally {
  count: number;
  aboveQuota: number;
}

export type TallyByType = Record<RequestType, Tally>;

export interface DailyRow {
  day: string;
  requestType: string;
  count: number;
  aboveQuota: number;
}

export function emptyTally(): TallyByType {
  return Object.fromEntries(
    REQUEST_TYPES.map((t) => [t, { count: 0, aboveQuota: 0 }]),
  ) as TallyByType;
}

/**
 * An exclusive upper bound as PostgreSQL takes it. The day after 9999-12-31 has a five-digit
 * year, which it refuses: no day is past it, so it is no bound.
 */
const until = (to: Date): string => (to.getUTCFullYear() > 9999 ? 'infinity' : to.toISOString());

/** Daily usage counters per account, day (UTC) and request type, kept in PostgreSQL. */
@Injectable()
export class UsageService {
  constructor(
    private readonly sql: SqlPool,
    private readonly journal: UsageJournal,
  ) {}

  /** Counts one served call now, under a new call id (see UsageJournal.apply). */
  async record(
    accountId: string,
    requestType: RequestType,
    aboveQuota: boolean,
    at: Date = new Date(),
  ): Promise<void> {
    const day = isoDay(at);
    await this.journal.apply([
      { callId: randomUUID(), accountId, requestType, aboveQuota, day, at: at.getTime() },
    ]);
  }

  /**
   * Once the calls this process served for the account are counted (see UsageJournal.settled):
   * every read of the counters waits for it, so a client that reads its usage right after a
   * call sees that call.
   */
  settled(accountId: string): Promise<void> {
    return this.journal.settled(accountId);
  }

  /** Counter rows with `from <= day < to`, newest first. */
  async daily(accountId: string, from: Date, to: Date): Promise<DailyRow[]> {
    await this.settled(accountId);
    const { rows } = await this.sql.query<DailyRow>({
      name: 'usage-daily',
      text: `SELECT day::text AS day, request_type AS "requestType", count, above_quota AS "aboveQuota"
             FROM daily_usage
             WHERE account_id = $1::uuid AND day >= $2::date AND day::timestamp < ($3::timestamptz AT TIME ZONE 'UTC')
             ORDER BY day DESC, request_type ASC`,
      values: [accountId, isoDay(from), until(to)],
    });
    return rows;
  }

  /** Daily rows and totals between two days (inclusive); the last 30 days by default. */
  async report(accountId: string, from?: string, to?: string, now: Date = new Date()) {
    const last = to ? new Date(to) : now;
    const first = from ? new Date(from) : new Date(startOfUtcDay(last).getTime() - 29 * DAY_MS);
    const end = new Date(startOfUtcDay(last).getTime() + DAY_MS);
    if (first.getTime() > last.getTime()) throw new InvalidInputError('from must not be after to');
    return {
      from: isoDay(first),
      to: isoDay(last),
      days: await this.daily(accountId, first, end),
      totals: await this.totals(accountId, first, end),
    };
  }

  /** Totals per request type over days `from <= day < to` (`to` null: up to now). */
  async totals(accountId: string, from: Date, to: Date | null): Promise<TallyByType> {
    return (await this.windows(accountId, [{ from, to }]))[0];
  }

  /**
   * Totals per request type for each window (`from <= day < to`, `to` null: up to now), in one
   * query whatever their number: an account route's figures cost one round trip.
   */
  async windows(
    accountId: string,
    windows: { from: Date; to: Date | null }[],
  ): Promise<TallyByType[]> {
    await this.settled(accountId);
    const { rows } = await this.sql.query<{
      i: string;
      request_type: RequestType;
      count: number;
      above_quota: number;
    }>({
      name: 'usage-windows',
      text: `SELECT w.i, u.request_type, SUM(u.count)::int AS count, SUM(u.above_quota)::int AS above_quota
             FROM unnest($2::date[], $3::timestamptz[]) WITH ORDINALITY AS w(from_day, until, i)
             JOIN daily_usage u ON u.account_id = $1::uuid AND u.day >= w.from_day
                  AND (w.until IS NULL OR u.day::timestamp < (w.until AT TIME ZONE 'UTC'))
             GROUP BY w.i, u.request_type`,
      values: [
        accountId,
        windows.map((w) => isoDay(w.from)),
        windows.map((w) => (w.to ? until(w.to) : null)),
      ],
    });
    const tallies = windows.map(() => emptyTally());
    for (const row of rows) {
      if (REQUEST_TYPES.includes(row.request_type)) {
        tallies[Number(row.i) - 1][row.request_type] = {
          count: row.count,
          aboveQuota: row.above_quota,
        };
      }
    }
    return tallies;
  }
}
