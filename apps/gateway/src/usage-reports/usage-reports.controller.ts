import { Controller, Get, UseGuards } from '@nestjs/common';
import type { KeyOwner } from '@platewise/domain';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CurrentAccount } from '../auth/request.decorators';
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
  history(@CurrentAccount() owner: KeyOwner) {
    return this.reports.history(owner);
  }

  @Get('v1/statistics')
  statistics(@CurrentAccount() owner: KeyOwner) {
    return this.reports.statistics(owner);
  }
}
