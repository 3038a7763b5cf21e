import { IsDateString, IsOptional } from 'class-validator';
import { Command, IsAccountId } from '../../../usecases/command';

/** The usage range an operator looks at (the last 30 days when absent), as on the admin API. */
export class InspectAccountFields extends Command {
  /** First day, `YYYY-MM-DD`. */
  @IsOptional()
  @IsDateString({}, { message: 'from must be a day (YYYY-MM-DD)' })
  from?: string;

  /** Last day, `YYYY-MM-DD` (included). */
  @IsOptional()
  @IsDateString({}, { message: 'to must be a day (YYYY-MM-DD)' })
  to?: string;
}

export class InspectAccountCommand extends InspectAccountFields {
  @IsAccountId()
  accountId!: string;
}
