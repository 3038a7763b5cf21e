import { Injectable } from '@nestjs/common';
import {
  AccountsService,
  ContractsService,
  ContractWithPlan,
  daysNewestFirst,
  effectiveStatus,
  emptyTally,
  isoDay,
  monthlyPeriod,
  REQUEST_TYPES,
  SecurityService,
  TallyByType,
  UsageService,
} from '@platewise/domain';
import { estimateAmount, httpDate, isoSeconds } from './formats';

type PerType<T> = Record<string, T>;

const pick = (tally: TallyByType, field: 'count' | 'aboveQuota'): PerType<number> =>
  Object.fromEntries(REQUEST_TYPES.map((t) => [t, tally[t][field]]));

const sumAbove = (tally: TallyByType): number => REQUEST_TYPES.reduce((n, t) => n + tally[t].aboveQuota, 0);

/** Builds the contract-tracking (Pl@ntNet) and statistics (Plate Recognizer) answers for one account. */
@Injectable()
export class UsageReportsService {
  constructor(
    private readonly accounts: AccountsService,
    private readonly contracts: ContractsService,
    private readonly usage: UsageService,
    private readonly security: SecurityService,
  ) {}

  /** `GET /v2/subscription`. */
  async subscription(accountId: string, now = new Date()) {
    const account = await this.accounts.get(accountId);
    const periods = await this.contracts.periods(accountId);
    const current = periods.at(-1);
    const history = await Promise.all(periods.map((p, i) => this.periodEntry(p, periods[i + 1], periods)));
    const currentTally = current ? await this.usage.totals(accountId, current.latestSignatureDate, null) : emptyTally();
    return {
      account: {
        id: account.id,
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
        estimatedAmount: current ? estimateAmount(sumAbove(currentTally), current.plan.aboveQuotaUnitPrice.toNumber()) : 0,
      },
      security: await this.security.get(accountId),
    };
  }

  private async periodEntry(period: ContractWithPlan, next: ContractWithPlan | undefined, all: ContractWithPlan[]) {
    const start = period.latestSignatureDate;
    const year = String(start.getUTCFullYear());
    const sameYear = all.filter((p) => p.latestSignatureDate.getUTCFullYear() === start.getUTCFullYear()).length;
    const tally = await this.usage.totals(period.accountId, start, next?.latestSignatureDate ?? null);
    return {
      period: sameYear > 1 ? isoDay(start) : year,
      startDate: httpDate(start),
      endDate: httpDate(next?.latestSignatureDate),
      count: pick(tally, 'count'),
      aboveQuota: pick(tally, 'aboveQuota'),
    };
  }

  /** `GET /v2/quota/daily`: today's calls, and what is left of the monthly allowance. */
  async daily(accountId: string, now = new Date()) {
    const today = isoDay(now);
    const rows = await this.usage.daily(accountId, now, new Date(Date.parse(today) + 86_400_000));
    const current = await this.contracts.current(accountId);
    const period = current ? monthlyPeriod(current.latestSignatureDate, now) : null;
    const month = current && period ? await this.usage.totals(accountId, period.start, period.end) : emptyTally();
    const quota = Object.fromEntries(
      REQUEST_TYPES.map((t) => [
        t,
        {
          count: rows.find((r) => r.requestType === t)?.count ?? 0,
          remaining: current ? Math.max(0, current.plan.monthlyCalls - month[t].count) : 0,
        },
      ]),
    );
    return { day: today, quota };
  }

  /** `GET /v2/quota/history`: one entry per day since the contract started, newest first. */
  async history(accountId: string, now = new Date()) {
    const periods = await this.contracts.periods(accountId);
    if (periods.length === 0) return [];
    const from = periods[0].firstSignatureDate;
    const rows = await this.usage.daily(accountId, from, new Date(now.getTime() + 86_400_000));
    const byDay = new Map<string, PerType<{ count: number }>>();
    for (const row of rows) {
      const entry = byDay.get(row.day) ?? {};
      entry[row.requestType] = { count: row.count };
      byDay.set(row.day, entry);
    }
    const zero = () => Object.fromEntries(REQUEST_TYPES.map((t) => [t, { count: 0 }]));
    return daysNewestFirst(from, now).map((day) => ({ day, quota: { ...zero(), ...byDay.get(day) } }));
  }

  /** `GET /v1/statistics/`: calls in the current monthly period (it starts on the signature day). */
  async statistics(accountId: string, now = new Date()) {
    const current = await this.contracts.current(accountId);
    const anchor = current?.latestSignatureDate ?? (await this.accounts.get(accountId)).createdAt;
    const period = monthlyPeriod(anchor, now);
    const tally = await this.usage.totals(accountId, period.start, period.end);
    return {
      usage: {
        month: period.start.getUTCMonth() + 1,
        calls: tally.plate_reader.count,
        year: period.start.getUTCFullYear(),
        resets_on: isoSeconds(period.end),
      },
      total_calls: current?.plan.monthlyCalls ?? 0,
    };
  }
}
