import { BadRequestException, Controller, Get, Header, Query, UseGuards } from '@nestjs/common';
import {
  DAY_MS,
  isoDay,
  monthlyPeriod,
  startOfUtcDay,
  toPlanView,
  UsageService,
} from '@platewise/domain';
import { CurrentSession, SessionGuard, type DashboardSession } from '../auth/session/session.guard';
import { SessionOwners } from '../auth/session/session-owner';
import { PlatewiseErrors, RouteDoc } from '../openapi/route-doc';
import { EXAMPLES } from '../openapi/examples';
import { fillDays, usageCsv } from './usage-csv';
import { UsageRangeDto } from './usage-range.dto';
import { UsageReportsService } from './usage-reports.service';
import { LAST_30_DAYS } from '../openapi/query-docs';

/** Longest range the usage chart and CSV cover. */
const MAX_RANGE_DAYS = 366;

/**
 * The dashboard's overview and usage pages: the signed-in owner's own figures, always the
 * session's account, from the same code as the API-key routes beside this file.
 */
@Controller('account')
@UseGuards(SessionGuard)
export class AccountUsageController {
  constructor(
    private readonly reports: UsageReportsService,
    private readonly usage: UsageService,
    private readonly owners: SessionOwners,
  ) {}

  /** The same figures as `/v2/subscription`, `/v1/statistics/` and `/v2/quota/daily`, from the same code. */
  @RouteDoc({
    summary: 'Subscription, statistics and today, as on /v2/subscription and /v1/statistics/',
    auth: 'session',
    internal: true,
    ok: { status: 200, schema: 'Overview', example: EXAMPLES.overview },
  })
  @PlatewiseErrors(401)
  @Get('overview')
  async overview(@CurrentSession() session: DashboardSession) {
    const owner = await this.owners.ownerOf(session.accountId);
    const [subscription, statistics, daily] = await Promise.all([
      this.reports.subscription(owner),
      this.reports.statistics(owner),
      this.reports.daily(owner),
    ]);
    // What the owner's limits are and which days "this month" spans, for the overview's
    // "how much is left" (the Plate Recognizer routes above do not carry them).
    const contract = owner.contract;
    const month = contract ? monthlyPeriod(contract.latestSignatureDate, new Date()) : null;
    return {
      subscription,
      statistics,
      daily,
      plan: contract ? toPlanView(contract.plan) : null,
      month: month && { start: month.start.toISOString(), end: month.end.toISOString() },
    };
  }

  /** Calls per day and request type, `from`–`to` inclusive (the last 30 days by default). */
  @RouteDoc({
    summary: 'Calls per day and request type',
    auth: 'session',
    internal: true,
    query: LAST_30_DAYS,
    ok: { status: 200, schema: 'UsageReport', example: EXAMPLES.usageReport },
  })
  @PlatewiseErrors(400, 401)
  @Get('usage')
  async usageDays(@CurrentSession() session: DashboardSession, @Query() range: UsageRangeDto) {
    const { from, to } = this.range(range);
    const rows = await this.usage.daily(session.accountId, from, new Date(to.getTime() + DAY_MS));
    return { from: isoDay(from), to: isoDay(to), days: fillDays(from, to, rows) };
  }

  @RouteDoc({
    summary: 'The same as CSV',
    auth: 'session',
    internal: true,
    query: LAST_30_DAYS,
    ok: { status: 200, type: 'text/csv', example: EXAMPLES.usageCsv },
  })
  @PlatewiseErrors(400, 401)
  @Get('usage.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="platewise-usage.csv"')
  async usageCsv(@CurrentSession() session: DashboardSession, @Query() range: UsageRangeDto) {
    return usageCsv((await this.usageDays(session, range)).days);
  }

  private range(range: UsageRangeDto): { from: Date; to: Date } {
    const to = range.to ? new Date(range.to) : startOfUtcDay(new Date());
    const from = range.from ? new Date(range.from) : new Date(to.getTime() - 29 * DAY_MS);
    if (from > to) throw new BadRequestException('from must not be after to');
    if ((to.getTime() - from.getTime()) / DAY_MS >= MAX_RANGE_DAYS) {
      throw new BadRequestException(`a range covers at most ${MAX_RANGE_DAYS} days`);
    }
    return { from, to };
  }
}
