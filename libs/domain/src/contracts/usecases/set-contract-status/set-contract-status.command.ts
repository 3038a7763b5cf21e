import { IsIn } from 'class-validator';
import type { ContractStatus } from '@platewise/infra';
import { Command, IsAccountId } from '../../../usecases/command';
import { CONTRACT_STATUSES } from '../../contracts.service';

export class SetContractStatusFields extends Command {
  /** `suspended` stops the account's calls; `active` reactivates it. */
  @IsIn(CONTRACT_STATUSES, { message: `status must be one of ${CONTRACT_STATUSES.join(', ')}` })
  status!: ContractStatus;
}

export class SetContractStatusCommand extends SetContractStatusFields {
  @IsAccountId()
  accountId!: string;
}
