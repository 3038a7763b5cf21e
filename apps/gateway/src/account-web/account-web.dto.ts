import { OmitType } from '@nestjs/swagger';
import { AccountSettingsFields } from '@platewise/domain';
import { IsBoolean, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { WithPersonName } from '../http/person-name.dto';

export class SignInDto {
  @IsString()
  @MaxLength(64)
  username!: string;

  @IsString()
  @MaxLength(200)
  password!: string;
}

export class SignUpDto extends WithPersonName(SignInDto) {}

export class SignOutDto {
  /** End every session of the account (all browsers), not only this one. */
  @IsOptional()
  @IsBoolean()
  everywhere?: boolean;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class UsageRangeDto {
  @IsOptional()
  @Matches(DAY, { message: 'from must be a day (YYYY-MM-DD)' })
  from?: string;

  @IsOptional()
  @Matches(DAY, { message: 'to must be a day (YYYY-MM-DD)' })
  to?: string;
}

/** What an owner may change of their account: where notices are e-mailed (null: nowhere). */
export class OwnerSettingsDto extends OmitType(AccountSettingsFields, ['readRetentionDays']) {}
