import { Controller, Get, UseGuards } from '@nestjs/common';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { Context } from '../auth/request.decorators';
import type { RequestContext } from '../http/request-context';
import { UsageReportsService } from '../usage-reports/usage-reports.service';
import { PLATEWISE_VERSION } from '../version';
import { PlateRecognizerErrors, RouteDoc } from '../openapi/route-doc';
import { EXAMPLES } from '../openapi/examples';

/** Shows only the first and last characters of a key. */
export const maskKey = (key: string) =>
  key.length <= 8
    ? '*'.repeat(key.length)
    : `${key.slice(0, 4)}${'*'.repeat(key.length - 8)}${key.slice(-4)}`;

/** The on-premise SDK's `GET /info/`: version, licence key (masked), limits, usage and webhooks. */
@Controller('info')
@UseGuards(ApiKeyGuard)
export class InfoController {
  constructor(private readonly reports: UsageReportsService) {}

  @RouteDoc({
    summary: 'Version, masked licence key, usage and webhooks (on-premise SDK)',
    auth: 'key',
    ok: { status: 200, schema: 'Info', example: EXAMPLES.info },
  })
  @PlateRecognizerErrors(403, 503)
  @Get()
  async info(@Context() context: RequestContext) {
    const { owner, apiKey } = context;
    if (!owner || !apiKey) throw new Error('route needs ApiKeyGuard');
    // The same figures as /v1/statistics/, in the SDK's shape.
    const stats = await this.reports.statistics(owner);
    return {
      version: PLATEWISE_VERSION,
      license_key: maskKey(apiKey),
      total_calls: stats.total_calls,
      usage: { calls: stats.usage.calls },
      webhooks: owner.webhooks.map((w) => ({
        id: w.id,
        target: w.target,
        include_image: w.includeImage,
        created: w.created,
      })),
    };
  }
}
