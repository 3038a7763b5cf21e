import { Transform } from 'class-transformer';
import { IsIn, IsString, Matches, MaxLength } from 'class-validator';
import { Omittable } from '@platewise/domain';

export class CreateWatchlistDto {
  @IsString()
  @MaxLength(32)
  @Matches(/[a-z0-9]/i, { message: 'plate must have at least one letter or digit' })
  plate!: string;

  @Omittable()
  @IsString()
  @MaxLength(200)
  label?: string;

  /** `exact` (default) or `lookalike`: one edit away, or O/0, I/1, B/8 alike. Any case, as the API's other choices. */
  @Omittable()
  @Transform(({ value }) => (typeof value === 'string' ? value.toLowerCase() : value))
  @IsIn(['exact', 'lookalike'])
  match?: 'exact' | 'lookalike';
}
