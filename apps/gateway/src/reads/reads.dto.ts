import { IsIsoInstant } from '@platewise/infra';
import { IsIn, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { Transform } from 'class-transformer';

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
