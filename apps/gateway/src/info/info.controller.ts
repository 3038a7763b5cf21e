import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import { KeyOwner, WebhooksService } from '@platewise/domain';
import { ApiKeyGuard } from '../auth/api-key.guard';
import type { ApiKeyRequest } from '../auth/api-key.strategy';
import { CurrentAccount } from '../auth/current-account.decorator';
import { UsageReportsService } from '../usage-reports/usage-reports.service';
import { PLATEWISE_VERSION } from '../version';

/** Shows only the first and last characters of a key. */
export const maskKey = (key: string) => (key.length <= 8 ? '*'.repeat(key.length) : `${key.slice(0, 4)}${'*'.repeat(key.length - 8)}${key.slice(-4)}`);

/** The on-premise SDK's `GET /info/`: version, licence key (masked), limits, usage and webhooks. */
@Controller('info')
@UseGuards(ApiKeyGuard)
export class InfoController {
  constructor(
    private readonly reports: UsageReportsService,
    private readonly webhooks: WebhooksService,
  ) {}

  @Get()
  async info(@CurrentAccount() owner: KeyOwner, @Req() req: ApiKeyRequest) {
    // The same figures as /v1/statistics/, in the SDK's shape.
    const stats = await this.reports.statistics(owner.accountId);
    return {
      version: PLATEWISE_VERSION,
      license_key: maskKey(req.apiKey),
      total_calls: stats.total_calls,
      usage: { calls: stats.usage.calls },
      webhooks: await this.webhooks.list(owner.accountId),
    };
  }
}
