import { Injectable } from '@nestjs/common';
import { ContractsService, toContractView } from '../../contracts.service';
import { SetContractStatusCommand } from './set-contract-status.command';

/** Suspends or reactivates an account (the status of its current contract). */
@Injectable()
export class SetContractStatus {
  constructor(private readonly contracts: ContractsService) {}

  async execute({ accountId, status }: SetContractStatusCommand) {
    return toContractView(await this.contracts.setStatus(accountId, status));
  }
}
