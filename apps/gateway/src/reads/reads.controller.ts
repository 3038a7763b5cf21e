import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { KeyOwner, ReadsService } from '@platewise/domain';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CurrentAccount } from '../auth/request.decorators';
import { READS_QUERY, ReadsQueryDto } from './reads.dto';
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
    query: READS_QUERY,
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
