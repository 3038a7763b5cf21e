import {
  IsArray,
  IsBoolean,
  IsDateString,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';
import { CONTRACT_STATUSES } from '@platewise/domain';
import { type ContractStatus } from '@platewise/infra';
import { WithPersonName } from '../http/person-name.dto';

class AccountUsername {
  @Matches(/^[a-zA-Z0-9_.-]{3,64}$/, {
    message: 'username must be 3-64 letters, digits, "_", "." or "-"',
  })
  username!: string;
}

export class CreateAccountDto extends WithPersonName(AccountUsername) {
  /** Sign a contract on this plan right away. */
  @IsOptional()
  @IsString()
  plan?: string;
}

export class SignContractDto {
  @IsString()
  plan!: string;

  /** Day the (new) contract period starts; today when omitted. */
  @IsOptional()
  @IsDateString()
  date?: string;
}

export class ContractStatusDto {
  @IsIn(CONTRACT_STATUSES)
  status!: ContractStatus;
}

export class IssueKeyDto {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  label?: string;
}

export class SecurityDto {
  @IsOptional()
  @IsBoolean()
  exposeKey?: boolean;

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  ips?: string[];

  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  domains?: string[];
}

export class UsageQueryDto {
  @IsOptional()
  @IsDateString()
  from?: string;

  @IsOptional()
  @IsDateString()
  to?: string;
}

export class PlanDto {
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
  @IsOptional()
  @IsBoolean()
  redactIncluded?: boolean;

  @IsInt()
  @Min(1024)
  maxUploadBytes!: number;
}

export class PasswordDto {
  @IsString()
  @MaxLength(200)
  password!: string;

  /** Give (true) or take away (false) the operator view of the dashboard. */
  @IsOptional()
  @IsBoolean()
  operator?: boolean;
}
