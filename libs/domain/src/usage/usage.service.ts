import { Injectable } from '@nestjs/common';
import { DAY_MS, isoDay, startOfUtcDay } from '../contracts/periods';
import { PrismaService, SqlPool } from '@platewise/infra';
import { REQUEST_TYPES, RequestType } from './request-types';

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
  return Object.fromEntries(REQUEST_TYPES.map((t) => [t, { count: 0, aboveQuota: 0 }])) as TallyByType;
}

/** Daily usage counters per account, day (UTC) and request type, kept in PostgreSQL. */
@Injectable()
export class UsageService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly sql: SqlPool,
  ) {}

  /** Counts one served call. A single upsert, so concurrent calls never lose an increment. */
  async record(accountId: string, requestType: RequestType, aboveQuota: boolean, at: Date = new Date()): Promise<void> {
    // On every served call's path, so through the plain pool (see SqlPool), as a named statement.
    await this.sql.query({
      name: 'record-usage',
      text: `INSERT INTO daily_usage (account_id, day, request_type, count, above_quota)
             VALUES ($1::uuid, $2::date, $3, 1, $4)
             ON CONFLICT (account_id, day, request_type)
             DO UPDATE SET count = daily_usage.count + 1, above_quota = daily_usage.above_quota + $4`,
      values: [accountId, isoDay(at), requestType, aboveQuota ? 1 : 0],
    });
  }

  /** Counter rows with `from <= day < to`. */
  async daily(accountId: string, from: Date, to: Date): Promise<DailyRow[]> {
    const rows = await this.prisma.dailyUsage.findMany({
      where: { accountId, day: { gte: startOfUtcDay(from), lt: to } },
      orderBy: [{ day: 'desc' }, { requestType: 'asc' }],
    });
    return rows.map((r) => ({ day: isoDay(r.day), requestType: r.requestType, count: r.count, aboveQuota: r.aboveQuota }));
  }

  /** Daily rows and totals between two days (inclusive); the last 30 days by default. */
  async report(accountId: string, from?: string, to?: string, now: Date = new Date()) {
    const last = to ? new Date(to) : now;
    const first = from ? new Date(from) : new Date(startOfUtcDay(last).getTime() - 29 * DAY_MS);
    const end = new Date(startOfUtcDay(last).getTime() + DAY_MS);
    return {
      from: isoDay(first),
      to: isoDay(last),
      days: await this.daily(accountId, first, end),
      totals: await this.totals(accountId, first, end),
    };
  }

  /** Totals per request type over days `from <= day < to` (`to` null: up to now). */
  async totals(accountId: string, from: Date, to: Date | null): Promise<TallyByType> {
    const groups = await this.prisma.dailyUsage.groupBy({
      by: ['requestType'],
      where: { accountId, day: { gte: startOfUtcDay(from), ...(to ? { lt: to } : {}) } },
      _sum: { count: true, aboveQuota: true },
    });
    const tally = emptyTally();
    for (const g of groups) {
      tally[g.requestType as RequestType] = { count: g._sum.count ?? 0, aboveQuota: g._sum.aboveQuota ?? 0 };
    }
    return tally;
  }
}
