import { IsString, Matches } from 'class-validator';
import { Omittable } from '../../../usecases/command';
import { PersonNameFields } from '../account-fields';

export class CreateAccountCommand extends PersonNameFields {
  @Matches(/^[a-zA-Z0-9_.-]{3,64}$/, {
    message: 'username must be 3-64 letters, digits, "_", "." or "-"',
  })
  username!: string;

  /** Sign a contract on this plan right away. */
  @Omittable()
  @IsString()
  plan?: string;
}
