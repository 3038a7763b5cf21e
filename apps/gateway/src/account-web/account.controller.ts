import {
  BadRequestException,
  Body,
  Controller,
  Get,
  Header,
  Put,
  Query,
  UseGuards,
} from '@nestjs/common';
import { DAY_MS, isoDay, SecurityService, startOfUtcDay, UsageService } from '@platewise/domain';
import { SecurityDto } from '../admin/admin.dto';
import { ChangesKeyOwners } from '../auth/key-owner-changes.interceptor';
import { UsageReportsService } from '../usage-reports/usage-reports.service';
import { UsageRangeDto } from './account-web.dto';
import { CurrentSession, SessionGuard, type DashboardSession } from './session.guard';
import { SessionOwners } from './session-owner';
import { fillDays, usageCsv } from './usage-csv';
import { PlatewiseErrors, RouteDoc } from '../openapi/route-doc';
import { EXAMPLES } from '../openapi/examples';

/** Longest range the usage chart and CSV cover. */
const MAX_RANGE_DAYS = 366;

/**
 * The signed-in owner's own account: always the session's account, never one named in the
 * request, so a session cannot reach another tenant's data.
 */
@Controller('account')
@UseGuards(SessionGuard)
@ChangesKeyOwners()
export class AccountController {
  constructor(
    private readonly reports: UsageReportsService,
    private readonly usage: UsageService,
    private readonly security: SecurityService,
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
    return { subscription, statistics, daily };
  }

  /** Calls per day and request type, `from`–`to` inclusive (the last 30 days by default). */
  @RouteDoc({
    summary: 'Calls per day and request type',
    auth: 'session',
    internal: true,
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
    ok: { status: 200, type: 'text/csv', example: EXAMPLES.usageCsv },
  })
  @PlatewiseErrors(400, 401)
  @Get('usage.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="platewise-usage.csv"')
  async usageCsv(@CurrentSession() session: DashboardSession, @Query() range: UsageRangeDto) {
    return usageCsv((await this.usageDays(session, range)).days);
  }

  @RouteDoc({
    summary: 'Security settings',
    auth: 'session',
    internal: true,
    ok: { status: 200, schema: 'SecuritySettings', example: EXAMPLES.security },
  })
  @PlatewiseErrors(401)
  @Get('security')
  getSecurity(@CurrentSession() session: DashboardSession) {
    return this.security.get(session.accountId);
  }

  @RouteDoc({
    summary: 'Change security settings',
    auth: 'session',
    internal: true,
    request: { exposeKey: true, ips: [], domains: ['*.example.com'] },
    ok: { status: 200, schema: 'SecuritySettings', example: EXAMPLES.security },
  })
  @PlatewiseErrors(400, 401, 403)
  @Put('security')
  setSecurity(@CurrentSession() session: DashboardSession, @Body() body: SecurityDto) {
    return this.security.update(session.accountId, body);
  }

  private range(range: UsageRangeDto): { from: Date; to: Date } {
    const to = range.to ? new Date(range.to) : startOfUtcDay(new Date());
    const from = range.from ? new Date(range.from) : new Date(to.getTime() - 29 * DAY_MS);
    if (Number.isNaN(to.getTime()) || Number.isNaN(from.getTime()))
      throw new BadRequestException('from and to must be real days');
    if (from > to) throw new BadRequestException('from must not be after to');
    if ((to.getTime() - from.getTime()) / DAY_MS >= MAX_RANGE_DAYS) {
      throw new BadRequestException(`a range covers at most ${MAX_RANGE_DAYS} days`);
    }
    return { from, to };
  }
}
