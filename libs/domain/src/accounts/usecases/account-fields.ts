import {
  IsEmail,
  IsInt,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { Command, Omittable } from '../../usecases/command';
import { MAX_READ_RETENTION_DAYS } from '../accounts.service';

/** The settings an operator gives an account when creating or editing it. */
export class AccountSettingsFields extends Command {
  /** Where notices (quota, webhooks, watchlists) are e-mailed; null removes it. */
  @IsOptional()
  @ValidateIf((_o, value) => value !== null)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  email?: string | null;

  /** Days recognition results are kept and searchable under /v1/reads/; 0 keeps none. */
  @Omittable()
  @IsInt()
  @Min(0)
  @Max(MAX_READ_RETENTION_DAYS)
  readRetentionDays?: number;
}

/** The account's person name, at most 100 characters each. */
export class PersonNameFields extends AccountSettingsFields {
  @Omittable()
  @IsString()
  @MaxLength(100)
  firstName?: string;

  @Omittable()
  @IsString()
  @MaxLength(100)
  lastName?: string;
}
