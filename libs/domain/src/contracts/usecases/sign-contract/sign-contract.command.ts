import { IsIsoInstant } from '@platewise/infra';
import { IsString } from 'class-validator';
import { Command, IsAccountId, Omittable } from '../../../usecases/command';

export class SignContractFields extends Command {
  @IsString()
  plan!: string;

  /**
   * Day the (new) contract period starts (ISO 8601, e.g. 2026-12-05; a time in it is that day);
   * today when omitted. Read as every date is (IsIsoInstant): a week date such as `2026-W01`
   * passed the ISO check before and reached the database as an Invalid Date (500).
   */
  @Omittable()
  @IsIsoInstant('date')
  date?: Date;
}

export class SignContractCommand extends SignContractFields {
  @IsAccountId()
  accountId!: string;
}
