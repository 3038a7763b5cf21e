import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import { ContractsService, KeyOwner, monthlyPeriod, UsageService, WebhooksService } from '@platewise/domain';
import { ApiKeyGuard } from '../auth/api-key.guard';
import type { ApiKeyRequest } from '../auth/api-key.strategy';
import { CurrentAccount } from '../auth/current-account.decorator';
import { PLATEWISE_VERSION } from '../version';

/** Shows only the first and last characters of a key. */
export const maskKey = (key: string) => (key.length <= 8 ? '*'.repeat(key.length) : `${key.slice(0, 4)}${'*'.repeat(key.length - 8)}${key.slice(-4)}`);

/** The on-premise SDK's `GET /info/`: version, licence key (masked), limits, usage and webhooks. */
@Controller('info')
@UseGuards(ApiKeyGuard)
export class InfoController {
  constructor(
    private readonly contracts: ContractsService,
    private readonly usage: UsageService,
    private readonly webhooks: WebhooksService,
  ) {}

  @Get()
  async info(@CurrentAccount() owner: KeyOwner, @Req() req: ApiKeyRequest) {
    const contract = await this.contracts.current(owner.accountId);
    const period = contract ? monthlyPeriod(contract.latestSignatureDate, new Date()) : null;
    const tally = period ? await this.usage.totals(owner.accountId, period.start, period.end) : null;
    return {
      version: PLATEWISE_VERSION,
      license_key: maskKey(req.apiKey),
      total_calls: contract?.plan.monthlyCalls ?? 0,
      usage: { calls: tally?.plate_reader.count ?? 0 },
      webhooks: await this.webhooks.list(owner.accountId),
    };
  }
}
