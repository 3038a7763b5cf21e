import { IsIsoDay } from '@platewise/infra';
import { IsOptional } from 'class-validator';

/** The dashboard's usage range: days that exist (IsIsoDay), so 2026-02-30 is not read as March 2. */
export class UsageRangeDto {
  @IsOptional()
  @IsIsoDay('from')
  from?: string;

  @IsOptional()
  @IsIsoDay('to')
  to?: string;
}
