import { Controller, Get, UseGuards } from '@nestjs/common';
import {
  AccountsService,
  ContractsService,
  PlansService,
  toContractView,
  NotificationsService,
} from '@platewise/domain';
import { OperatorGuard, SessionGuard } from '../auth/session/session.guard';
import { PlatewiseErrors, RouteDoc } from '../openapi/route-doc';
import { EXAMPLES } from '../openapi/examples';
import { arrayOf } from '../openapi/schemas';

/** The operator view: every account with its contract, the plans, and owners' notifications. */
@Controller('account/operator')
@UseGuards(SessionGuard, OperatorGuard)
export class OperatorListsController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly contracts: ContractsService,
    private readonly plans: PlansService,
    private readonly notices: NotificationsService,
  ) {}

  @RouteDoc({
    summary: 'Operator view: every account and its contract',
    auth: 'session',
    internal: true,
    ok: {
      status: 200,
      schema: arrayOf('AccountWithContract'),
      example: [{ ...EXAMPLES.account, contract: EXAMPLES.contract }],
    },
  })
  @PlatewiseErrors(401, 403)
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

  @RouteDoc({
    summary: 'Operator view: plans',
    auth: 'session',
    internal: true,
    ok: { status: 200, schema: arrayOf('Plan'), example: [EXAMPLES.plan] },
  })
  @PlatewiseErrors(401, 403)
  @Get('plans')
  listPlans() {
    return this.plans.list();
  }

  @RouteDoc({
    summary: 'Operator view: notifications',
    auth: 'session',
    internal: true,
    ok: { status: 200, schema: arrayOf('Notification'), example: [EXAMPLES.notification] },
  })
  @PlatewiseErrors(401, 403)
  @Get('notifications')
  notifications() {
    return this.notices.list();
  }
}
