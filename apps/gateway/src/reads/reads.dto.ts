import { IsIsoInstant } from '@platewise/infra';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { Transform } from 'class-transformer';
import { queryParams } from '../openapi/query-docs';

export class ReadsQueryDto {
  /** Plate to find; letters and digits count, case and separators do not. */
  @IsOptional()
  @IsString()
  @MaxLength(32)
  @Matches(/[a-z0-9]/i, { message: 'plate must have at least one letter or digit' })
  plate?: string;

  /** `exact` (default), `prefix`, or `lookalike` (one edit away, or O/0, I/1, B/8 alike). */
  @IsOptional()
  @IsIn(['exact', 'prefix', 'lookalike'])
  match?: 'exact' | 'prefix' | 'lookalike';

  @IsOptional()
  @IsString()
  @MaxLength(256)
  camera_id?: string;

  /** ISO 8601 date or time: reads at or after it. */
  @IsOptional()
  @IsIsoInstant('from')
  from?: Date;

  /** ISO 8601 date or time: reads before it. */
  @IsOptional()
  @IsIsoInstant('to')
  to?: Date;

  /** `next` of the previous page. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  /** Reads per page, 1–500 (100 by default). */
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? Number(value) : value))
  @IsIn(Array.from({ length: 500 }, (_, i) => i + 1), { message: 'limit must be 1 to 500' })
  limit?: number;
}

/** ReadsQueryDto in the OpenAPI document: GET /v1/reads/ and the dashboard's /account/reads(.csv). */
export const READS_QUERY = queryParams<ReadsQueryDto>({
  plate: { description: 'plate to find (case and separators ignored)', example: 'AYO9034' },
  match: { description: '`exact` (default), `prefix` or `lookalike`', example: 'lookalike' },
  camera_id: { description: 'reads of this camera only', example: 'gate-1' },
  from: {
    description: 'reads at or after this ISO 8601 date or time (years 1 to 9999; no zone: UTC)',
    example: '2026-12-01',
  },
  to: {
    description: 'reads before this ISO 8601 date or time (years 1 to 9999; no zone: UTC)',
    example: '2026-12-06',
  },
  cursor: { description: '`next` of the previous page' },
  limit: { description: 'reads per page, 1 to 500 (100 by default)', example: '100' },
});
