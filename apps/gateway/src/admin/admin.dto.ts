import {
  IsArray,
  IsBoolean,
  IsDateString,
  IsEmail,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { CONTRACT_STATUSES, MAX_READ_RETENTION_DAYS } from '@platewise/domain';
import { type ContractStatus } from '@platewise/infra';
import { WithPersonName } from '../http/person-name.dto';

class AccountUsername {
  @Matches(/^[a-zA-Z0-9_.-]{3,64}$/, {
    message: 'username must be 3-64 letters, digits, "_", "." or "-"',
  })
  username!: string;
}

/** The account settings an operator (or, for their own account, the owner) may change. */
export class AccountSettingsDto {
  /** Where notices (quota, webhooks, watchlists) are e-mailed; null removes it. */
  @IsOptional()
  @ValidateIf((_o, value) => value !== null)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  email?: string | null;

  /** Days recognition results are kept and searchable under /v1/reads/; 0 keeps none. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_READ_RETENTION_DAYS)
  readRetentionDays?: number;
}

export class CreateAccountDto extends WithPersonName(AccountUsername) {
  /** Sign a contract on this plan right away. */
  @IsOptional()
  @IsString()
  plan?: string;

  @IsOptional()
  @ValidateIf((_o, value) => value !== null)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  email?: string | null;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_READ_RETENTION_DAYS)
  readRetentionDays?: number;
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
