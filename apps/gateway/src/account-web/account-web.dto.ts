import { IsBoolean, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class SignInDto {
  @IsString()
  @MaxLength(64)
  username!: string;

  @IsString()
  @MaxLength(200)
  password!: string;
}

export class SignUpDto extends SignInDto {
  @IsOptional()
  @IsString()
  @MaxLength(100)
  firstName?: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  lastName?: string;
}

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
