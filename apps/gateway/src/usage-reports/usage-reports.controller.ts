import { Controller, Get, Header, Query, UseGuards } from '@nestjs/common';
import type { KeyOwner } from '@platewise/domain';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CurrentAccount } from '../auth/request.decorators';
import { DayRangePipe, type DayRange } from './day-range.pipe';
import { UsageReportsService } from './usage-reports.service';

/** Account owners' view of their contract and usage. Every answer is scoped to the key's account. */
@Controller()
@UseGuards(ApiKeyGuard)
export class UsageReportsController {
  constructor(private readonly reports: UsageReportsService) {}

  @Get('v2/subscription')
  subscription(@CurrentAccount() owner: KeyOwner) {
    return this.reports.subscription(owner);
  }

  @Get('v2/quota/daily')
  daily(@CurrentAccount() owner: KeyOwner) {
    return this.reports.daily(owner);
  }

  @Get('v2/quota/history')
  @Header('Content-Type', 'application/json; charset=utf-8')
  history(@CurrentAccount() owner: KeyOwner, @Query(DayRangePipe) range: DayRange) {
    // Sent as the service serialised it (and keeps it): the same JSON `res.json` would write.
    return this.reports.historyJson(owner, range);
  }

  @Get('v1/statistics')
  statistics(@CurrentAccount() owner: KeyOwner) {
    return this.reports.statistics(owner);
  }
}
