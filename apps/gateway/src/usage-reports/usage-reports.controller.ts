import { Controller, Get, Header, Query, UseGuards } from '@nestjs/common';
import type { KeyOwner } from '@platewise/domain';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CurrentAccount } from '../auth/request.decorators';
import { DayRangePipe, type DayRange } from './day-range.pipe';
import { UsageReportsService } from './usage-reports.service';
import { PlateRecognizerErrors, PlatewiseErrors, RouteDoc } from '../openapi/route-doc';
import { EXAMPLES } from '../openapi/examples';
import { dayRangeQuery } from '../openapi/query-docs';

/** Account owners' view of their contract and usage. Every answer is scoped to the key's account. */
@Controller()
@UseGuards(ApiKeyGuard)
export class UsageReportsController {
  constructor(private readonly reports: UsageReportsService) {}

  @RouteDoc({
    summary: 'Account, contract, history per period, billing estimate',
    auth: 'key',
    ok: { status: 200, schema: 'Subscription', example: EXAMPLES.subscription },
  })
  @PlatewiseErrors(401, 403, 503)
  @Get('v2/subscription')
  subscription(@CurrentAccount() owner: KeyOwner) {
    return this.reports.subscription(owner);
  }

  @RouteDoc({
    summary: "Today's calls and what is left of the monthly allowance",
    auth: 'key',
    ok: { status: 200, schema: 'QuotaDaily', example: EXAMPLES.quotaDaily },
  })
  @PlatewiseErrors(401, 403, 503)
  @Get('v2/quota/daily')
  daily(@CurrentAccount() owner: KeyOwner) {
    return this.reports.daily(owner);
  }

  @RouteDoc({
    summary: 'Calls per day since the contract started, newest first',
    auth: 'key',
    ok: { status: 200, schema: 'QuotaHistory', example: EXAMPLES.quotaHistory },
    query: dayRangeQuery({ from: 'the first day of the contract', to: 'today' }),
  })
  @PlatewiseErrors(400, 401, 403, 503)
  @Get('v2/quota/history')
  @Header('Content-Type', 'application/json; charset=utf-8')
  history(@CurrentAccount() owner: KeyOwner, @Query(DayRangePipe) range: DayRange) {
    // Sent as the service serialised it (and keeps it): the same JSON `res.json` would write.
    return this.reports.historyJson(owner, range);
  }

  @RouteDoc({
    summary: 'Calls in the current monthly period',
    auth: 'key',
    ok: { status: 200, schema: 'Statistics', example: EXAMPLES.statistics },
  })
  @PlateRecognizerErrors(403, 503)
  @Get('v1/statistics')
  statistics(@CurrentAccount() owner: KeyOwner) {
    return this.reports.statistics(owner);
  }
}
