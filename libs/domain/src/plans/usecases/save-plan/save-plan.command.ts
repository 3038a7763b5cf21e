import { IsBoolean, IsInt, IsNumber, Matches, Min } from 'class-validator';
import { Command, Omittable } from '../../../usecases/command';

export class SavePlanCommand extends Command {
  @Matches(/^[a-z0-9_-]{2,40}$/, {
    message: 'name must be 2-40 lower-case letters, digits, "_" or "-"',
  })
  name!: string;

  /** Monthly call limit, reported as `total_calls`. */
  @IsInt()
  @Min(0)
  totalCalls!: number;

  @IsInt()
  @Min(0)
  indicativeYearlyQuota!: number;

  @IsInt()
  @Min(1)
  callsPerSecond!: number;

  @IsBoolean()
  allowAboveQuota!: boolean;

  /** Price of one call above the monthly limit, in EUR. */
  @IsNumber({ maxDecimalPlaces: 6 })
  @Min(0)
  aboveQuotaUnitPrice!: number;

  @IsBoolean()
  mmcIncluded!: boolean;

  /** POST /v1/redact/ allowed; refused with 403 otherwise. Default false. */
  @Omittable()
  @IsBoolean()
  redactIncluded?: boolean;

  @IsInt()
  @Min(1024)
  maxUploadBytes!: number;
}
