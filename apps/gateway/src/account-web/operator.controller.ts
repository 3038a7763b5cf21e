import { Controller, Get, UseGuards } from '@nestjs/common';
import {
  AccountsService,
  ContractsService,
  PlansService,
  toContractView,
  NotificationsService,
} from '@platewise/domain';
import { OperatorGuard, SessionGuard } from './session.guard';

/** The operator view: every account with its contract, the plans, and owners' notifications. */
@Controller('account/operator')
@UseGuards(SessionGuard, OperatorGuard)
export class OperatorController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly contracts: ContractsService,
    private readonly plans: PlansService,
    private readonly notices: NotificationsService,
  ) {}

  @Get('accounts')
  async listAccounts() {
    const accounts = await this.accounts.list();
    return Promise.all(
      accounts.map(async (account) => {
        const contract = await this.contracts.current(account.id);
        return { ...account, contract: contract ? toContractView(contract) : null };
      }),
    );
  }

  @Get('plans')
  listPlans() {
    return this.plans.list();
  }

  @Get('notifications')
  notifications() {
    return this.notices.list();
  }
}
