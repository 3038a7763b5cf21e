import { Injectable } from '@nestjs/common';
import {
  daysNewestFirst,
  effectiveStatus,
  isoDay,
  KeyOwner,
  monthlyPeriod,
  REQUEST_TYPES,
  TallyByType,
  UsageService,
  UsageVersions,
} from '@platewise/domain';
import type { DayRange } from './day-range.pipe';
import { estimateAmount, httpDate, isoSeconds } from './formats';

type PerType<T> = Record<string, T>;

const pick = (tally: TallyByType, field: 'count' | 'aboveQuota'): PerType<number> =>
  Object.fromEntries(REQUEST_TYPES.map((t) => [t, tally[t][field]]));

const sumAbove = (tally: TallyByType): number =>
  REQUEST_TYPES.reduce((n, t) => n + tally[t].aboveQuota, 0);

/** Calls of every type: each takes one call of the one monthly allowance. */
const sumCount = (tally: TallyByType): number =>
  REQUEST_TYPES.reduce((n, t) => n + tally[t].count, 0);

/**
 * Builds the contract-tracking (Pl@ntNet) and statistics (Plate Recognizer) answers for one
 * account. The account, its contract, plan, periods and security settings come with the key's
 * owner (read with the key and cached until the database notifies a change), so each route
 * makes one query of its own: the usage figures. Each answer is kept with the owner until the
 * account's usage changes (UsageVersions) or the day does, so repeated calls make none.
 */
@Injectable()
export class UsageReportsService {
  /** Per owner (a new object whenever the key's account, contract or plan changes), per route. */
  private readonly kept = new WeakMap<KeyOwner, Map<string, { stamp: string; answer: unknown }>>();

  constructor(
    private readonly usage: UsageService,
    private readonly versions: UsageVersions,
  ) {}

  /**
   * The answer `build` computes for `route`, or the one kept since: every answer here depends
   * only on the owner, the account's usage counters and the UTC day of `now`.
   */
  private async keep<T>(
    owner: KeyOwner,
    route: string,
    now: Date,
    build: () => Promise<T>,
  ): Promise<T> {
    // This gateway's calls counted first, so a client reading its usage right after a call sees it.
    await this.usage.settled(owner.accountId);
    // Read before building: a change heard while it builds makes the next call build again.
    const version = this.versions.version(owner.accountId);
    if (version === undefined) return build();
    const stamp = `${version}:${isoDay(now)}`;
    let answers = this.kept.get(owner);
    if (!answers) this.kept.set(owner, (answers = new Map()));
    const kept = answers.get(route);
    if (kept?.stamp === stamp) return kept.answer as T;
    const answer = await build();
    answers.set(route, { stamp, answer });
    return answer;
  }

  /** `GET /v2/subscription`. */
  subscription(owner: KeyOwner, now = new Date()) {
    return this.keep(owner, 'subscription', now, () => this.buildSubscription(owner, now));
  }

  /** `GET /v2/quota/daily`: today's calls, and what is left of the monthly allowance. */
  daily(owner: KeyOwner, now = new Date()) {
    return this.keep(owner, 'daily', now, () => this.buildDaily(owner, now));
  }

  /** `GET /v2/quota/history`: one entry per day since the contract started, newest first. */
  history(owner: KeyOwner, now = new Date()) {
    return this.keep(owner, 'history', now, () => this.buildHistory(owner, now));
  }

  /**
   * The history as JSON text, kept like the answer: a long contract's history is tens of KB, and
   * serialising it on every call would cost more than everything else the route does. With
   * `from` and/or `to` (days, inclusive), only the days between.
   */
  async historyJson(owner: KeyOwner, range: DayRange = {}, now = new Date()): Promise<string> {
    if (range.from === undefined && range.to === undefined)
      return this.keep(owner, 'history.json', now, async () =>
        JSON.stringify(await this.history(owner, now)),
      );
    const { from = '0000-01-01', to = '9999-12-31' } = range;
    const days = await this.history(owner, now);
    return JSON.stringify(days.filter(({ day }) => day >= from && day <= to));
  }

  /** `GET /v1/statistics/`: calls in the current monthly period (it starts on the signature day). */
  statistics(owner: KeyOwner, now = new Date()) {
    return this.keep(owner, 'statistics', now, () => this.buildStatistics(owner, now));
  }

  private async buildSubscription(owner: KeyOwner, now: Date) {
    const { account, contract: current, periodStarts: starts } = owner;
    const windows = starts.map((from, i) => ({ from, to: starts[i + 1] ?? null }));
    const tallies = await this.usage.windows(owner.accountId, windows);
    const history = windows.map(({ from, to }, i) => {
      const sameYear = starts.filter((s) => s.getUTCFullYear() === from.getUTCFullYear()).length;
      return {
        period: sameYear > 1 ? isoDay(from) : String(from.getUTCFullYear()),
        startDate: httpDate(from),
        endDate: httpDate(to ?? undefined),
        count: pick(tallies[i], 'count'),
        aboveQuota: pick(tallies[i], 'aboveQuota'),
      };
    });
    const currentTally = tallies.at(-1);
    return {
      account: {
        id: owner.accountId,
        username: account.username,
        name: { first: account.firstName, last: account.lastName },
        created: httpDate(account.createdAt),
      },
      contract: current
        ? {
            plan: current.plan.name,
            status: effectiveStatus(current, now),
            firstSignatureDate: httpDate(current.firstSignatureDate),
            latestSignatureDate: httpDate(current.latestSignatureDate),
            nextSignatureDate: httpDate(current.nextSignatureDate),
            indicativeYearlyQuota: current.plan.indicativeYearlyQuota,
          }
        : null,
      history: history.reverse(),
      billing: {
        nextDueDate: httpDate(current?.nextSignatureDate),
        estimatedAmount:
          current && currentTally
            ? estimateAmount(sumAbove(currentTally), current.plan.aboveQuotaUnitPrice.toNumber())
            : 0,
      },
      security: owner.security,
    };
  }

  private async buildDaily(owner: KeyOwner, now: Date) {
    const today = isoDay(now);
    const current = owner.contract;
    const period = current ? monthlyPeriod(current.latestSignatureDate, now) : null;
    const todayWindow = {
      from: new Date(Date.parse(today)),
      to: new Date(Date.parse(today) + 86_400_000),
    };
    const [day, month] = await this.usage.windows(
      owner.accountId,
      period ? [todayWindow, { from: period.start, to: period.end }] : [todayWindow],
    );
    // One allowance for every type: what is left is the same figure under each.
    const remaining =
      current && month ? Math.max(0, current.plan.monthlyCalls - sumCount(month)) : 0;
    const quota = Object.fromEntries(
      REQUEST_TYPES.map((t) => [t, { count: day[t].count, remaining }]),
    );
    return { day: today, quota };
  }

  private async buildHistory(owner: KeyOwner, now: Date) {
    // Every renewal keeps the first signature date, so the contract in force has it.
    const from = owner.contract?.firstSignatureDate;
    if (!from) return [];
    const rows = await this.usage.daily(
      owner.accountId,
      from,
      new Date(now.getTime() + 86_400_000),
    );
    const byDay = new Map<string, PerType<{ count: number }>>();
    for (const row of rows) {
      const entry = byDay.get(row.day) ?? {};
      entry[row.requestType] = { count: row.count };
      byDay.set(row.day, entry);
    }
    // Most days of a long contract have no calls: they share one (never modified) zero entry.
    const zero = Object.fromEntries(REQUEST_TYPES.map((t) => [t, { count: 0 }]));
    return daysNewestFirst(from, now).map((day) => {
      const counted = byDay.get(day);
      return { day, quota: counted ? { ...zero, ...counted } : zero };
    });
  }

  private async buildStatistics(owner: KeyOwner, now: Date) {
    const current = owner.contract;
    const period = monthlyPeriod(current?.latestSignatureDate ?? owner.account.createdAt, now);
    const tally = await this.usage.totals(owner.accountId, period.start, period.end);
    return {
      usage: {
        month: period.start.getUTCMonth() + 1,
        // Plate Recognizer's exact shape: every call against total_calls, redactions included
        // (the figures per request type are on /v2/quota/*).
        calls: sumCount(tally),
        year: period.start.getUTCFullYear(),
        resets_on: isoSeconds(period.end),
      },
      total_calls: current?.plan.monthlyCalls ?? 0,
    };
  }
}
