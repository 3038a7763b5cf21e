import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { KeyOwner, ReadsService } from '@platewise/domain';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CurrentAccount } from '../auth/request.decorators';
import { ReadsQueryDto } from './reads.dto';

/** The account's read history (kept when its readRetentionDays is above 0), newest first. */
@Controller('v1/reads')
@UseGuards(ApiKeyGuard)
export class ReadsController {
  constructor(private readonly reads: ReadsService) {}

  @Get()
  search(@CurrentAccount() owner: KeyOwner, @Query() query: ReadsQueryDto) {
    return this.reads.search(owner.accountId, {
      plate: query.plate,
      match: query.match,
      cameraId: query.camera_id,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      cursor: query.cursor,
      limit: query.limit,
    });
  }
}
