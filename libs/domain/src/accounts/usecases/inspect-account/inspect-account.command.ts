import { IsIsoDay } from '@platewise/infra';
import { IsOptional } from 'class-validator';
import { Command, IsAccountId } from '../../../usecases/command';

/** The usage range an operator looks at (the last 30 days when absent), as on the admin API. */
export class InspectAccountFields extends Command {
  /** First day, `YYYY-MM-DD`. */
  @IsOptional()
  @IsIsoDay('from')
  from?: string;

  /** Last day, `YYYY-MM-DD` (included). */
  @IsOptional()
  @IsIsoDay('to')
  to?: string;
}

export class InspectAccountCommand extends InspectAccountFields {
  @IsAccountId()
  accountId!: string;
}
