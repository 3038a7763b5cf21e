import { IsBoolean, IsString, MaxLength } from 'class-validator';
import { Command, IsAccountId, Omittable } from '../../../usecases/command';

export class SetPasswordFields extends Command {
  // Length and shape are PasswordsService's rules (passwordProblem), checked where it is set.
  @IsString()
  @MaxLength(200)
  password!: string;

  /** Give (true) or take away (false) the operator view of the dashboard. */
  @Omittable()
  @IsBoolean()
  operator?: boolean;
}

export class SetPasswordCommand extends SetPasswordFields {
  @IsAccountId()
  accountId!: string;
}
