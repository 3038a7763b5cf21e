import { IsDateString, IsString } from 'class-validator';
import { Command, IsAccountId, Omittable } from '../../../usecases/command';

export class SignContractFields extends Command {
  @IsString()
  plan!: string;

  /** Day the (new) contract period starts (ISO 8601, e.g. 2026-12-05); today when omitted. */
  @Omittable()
  @IsDateString({ strict: true }, { message: 'date must be an ISO 8601 date, e.g. 2026-12-05' })
  date?: string;
}

export class SignContractCommand extends SignContractFields {
  @IsAccountId()
  accountId!: string;
}
