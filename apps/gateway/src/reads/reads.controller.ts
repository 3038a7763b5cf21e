import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { KeyOwner, ReadsService } from '@platewise/domain';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CurrentAccount } from '../auth/request.decorators';
import { ReadsQueryDto } from './reads.dto';
import { PlateRecognizerErrors, RouteDoc } from '../openapi/route-doc';
import { EXAMPLES } from '../openapi/examples';

/** The account's read history (kept when its readRetentionDays is above 0), newest first. */
@Controller('v1/reads')
@UseGuards(ApiKeyGuard)
export class ReadsController {
  constructor(private readonly reads: ReadsService) {}

  @RouteDoc({
    summary: "Search the account's read history, newest first",
    description:
      'Reads are kept when the account has `readRetentionDays` above 0 (set by the operator) and ' +
      'deleted after it. `match`: `exact` (the default), `prefix`, or `lookalike` (one character ' +
      'changed, added or removed, with O/0, I/1 and B/8 alike). Pages of `limit` reads; pass `next` ' +
      'as `cursor` for the next one.',
    auth: 'key',
    query: [
      {
        name: 'plate',
        description: 'plate to find (case and separators ignored)',
        example: 'AYO9034',
      },
      {
        name: 'match',
        description: '`exact` (default), `prefix` or `lookalike`',
        example: 'lookalike',
      },
      { name: 'camera_id', description: 'reads of this camera only', example: 'gate-1' },
      {
        name: 'from',
        description: 'reads at or after this ISO 8601 date or time (years 1 to 9999; no zone: UTC)',
        example: '2026-12-01',
      },
      {
        name: 'to',
        description: 'reads before this ISO 8601 date or time (years 1 to 9999; no zone: UTC)',
        example: '2026-12-06',
      },
      { name: 'cursor', description: '`next` of the previous page' },
      { name: 'limit', description: 'reads per page, 1 to 500 (100 by default)', example: '100' },
    ],
    ok: {
      status: 200,
      schema: 'ReadPage',
      example: { results: [EXAMPLES.read], next: null },
    },
  })
  @PlateRecognizerErrors(400, 403)
  @Get()
  search(@CurrentAccount() owner: KeyOwner, @Query() query: ReadsQueryDto) {
    return this.reads.search(owner.accountId, {
      plate: query.plate,
      match: query.match,
      cameraId: query.camera_id,
      from: query.from,
      to: query.to,
      cursor: query.cursor,
      limit: query.limit,
    });
  }
}
