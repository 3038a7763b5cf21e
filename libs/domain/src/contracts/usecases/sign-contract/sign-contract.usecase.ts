import { Injectable } from '@nestjs/common';
import { AccountsService } from '../../../accounts/accounts.service';
import { ContractsService, toContractView } from '../../contracts.service';
import { SignContractCommand } from './sign-contract.command';

/** Signs a first contract, renews the current one or changes its plan, from `date` (today). */
@Injectable()
export class SignContract {
  constructor(
    private readonly accounts: AccountsService,
    private readonly contracts: ContractsService,
  ) {}

  async execute({ accountId, plan, date }: SignContractCommand) {
    await this.accounts.get(accountId);
    return toContractView(await this.contracts.sign(accountId, plan, date));
  }
}
