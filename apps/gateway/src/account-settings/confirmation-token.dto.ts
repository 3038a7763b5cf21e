import { IsString, MaxLength } from 'class-validator';

/** The token of an address's confirmation link (EmailConfirmationsService says what one is). */
export class ConfirmationTokenDto {
  @IsString()
  @MaxLength(100)
  token!: string;
}
