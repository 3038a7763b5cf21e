import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Put,
  Query,
  UseGuards,
} from '@nestjs/common';
import {
  AuditService,
  CreateAccount,
  CreateAccountCommand,
  InspectAccount,
  InspectAccountCommand,
  SavePlan,
  SavePlanCommand,
  SetContractStatus,
  SetContractStatusCommand,
  SetPassword,
  SetPasswordCommand,
  SignContract,
  SignContractCommand,
  UpdateAccountSettings,
  UpdateAccountSettingsCommand,
} from '@platewise/domain';
import { ChangesKeyOwners } from '../auth/key-owner-changes.interceptor';
import {
  CurrentSession,
  OperatorGuard,
  SessionGuard,
  type DashboardSession,
} from '../auth/session/session.guard';
import { PlatewiseErrors, RouteDoc } from '../openapi/route-doc';
import { ACCOUNT_INSPECTION, EXAMPLES } from '../openapi/examples';
import { arrayOf } from '../openapi/schemas';
import {
  AccountSettingsDto,
  ContractStatusDto,
  CreateAccountDto,
  PasswordDto,
  PlanDto,
  SignContractDto,
  UsageQueryDto,
} from './admin.dto';
import { LAST_30_DAYS } from '../openapi/query-docs';

const AccountId = () => Param('accountId', new ParseUUIDPipe());

/**
 * The operator console of the dashboard: the admin API's operations (the same use cases) for a
 * signed-in operator, behind the session's CSRF token, each one written to the audit trail (and
 * so is looking at one account's keys and webhooks).
 */
@Controller('account/operator')
@UseGuards(SessionGuard, OperatorGuard)
@ChangesKeyOwners()
export class OperatorConsoleController {
  constructor(
    private readonly audit: AuditService,
    private readonly createAccount: CreateAccount,
    private readonly updateSettings: UpdateAccountSettings,
    private readonly setPassword: SetPassword,
    private readonly savePlan: SavePlan,
    private readonly signContract: SignContract,
    private readonly setStatus: SetContractStatus,
    private readonly inspectAccount: InspectAccount,
  ) {}

  @RouteDoc({
    summary: 'Console: create or update a plan',
    auth: 'session',
    internal: true,
    ok: { status: 200, schema: 'Plan', example: EXAMPLES.plan },
  })
  @PlatewiseErrors(400, 401, 403)
  @Put('plans')
  @HttpCode(200)
  async plan(@CurrentSession() who: DashboardSession, @Body() body: PlanDto) {
    const plan = await this.savePlan.execute(SavePlanCommand.create(body));
    await this.audit.record(who, 'plan.save', plan.name, { ...plan });
    return plan;
  }

  @RouteDoc({
    summary: 'Console: create an account (its first key is shown once)',
    auth: 'session',
    internal: true,
    ok: { status: 201, schema: 'CreatedAccount', example: EXAMPLES.createdAccount },
  })
  @PlatewiseErrors(400, 401, 403, 404, 409)
  @Post('accounts')
  async create(@CurrentSession() who: DashboardSession, @Body() body: CreateAccountDto) {
    const created = await this.createAccount.execute(CreateAccountCommand.create(body));
    await this.audit.record(who, 'account.create', created.account.username, {
      plan: body.plan ?? null,
      email: body.email ?? null,
      readRetentionDays: created.account.readRetentionDays,
    });
    return created;
  }

  @RouteDoc({
    summary: "Console: change an account's e-mail address or read retention",
    auth: 'session',
    internal: true,
    ok: { status: 200, schema: 'Account', example: EXAMPLES.account },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Patch('accounts/:accountId')
  async settings(
    @CurrentSession() who: DashboardSession,
    @AccountId() accountId: string,
    @Body() body: AccountSettingsDto,
  ) {
    const account = await this.updateSettings.execute(
      UpdateAccountSettingsCommand.create({ ...body, accountId }),
    );
    await this.audit.record(who, 'account.settings', account.username, { ...body });
    return account;
  }

  @RouteDoc({
    summary: "Console: set an account's dashboard password (ends its sessions)",
    auth: 'session',
    internal: true,
    ok: { status: 204 },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Put('accounts/:accountId/password')
  @HttpCode(204)
  async password(
    @CurrentSession() who: DashboardSession,
    @AccountId() accountId: string,
    @Body() body: PasswordDto,
  ) {
    await this.setPassword.execute(SetPasswordCommand.create({ ...body, accountId }));
    // Never the password itself.
    await this.audit.record(who, 'account.password', accountId, {
      operator: body.operator ?? null,
    });
  }

  @RouteDoc({
    summary: 'Console: sign, renew or change the contract',
    auth: 'session',
    internal: true,
    ok: { status: 201, schema: 'Contract', example: EXAMPLES.contract },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Post('accounts/:accountId/contract')
  async sign(
    @CurrentSession() who: DashboardSession,
    @AccountId() accountId: string,
    @Body() body: SignContractDto,
  ) {
    const contract = await this.signContract.execute(
      SignContractCommand.create({ ...body, accountId }),
    );
    await this.audit.record(who, 'contract.sign', accountId, { ...body });
    return contract;
  }

  @RouteDoc({
    summary: 'Console: suspend or reactivate an account',
    auth: 'session',
    internal: true,
    ok: { status: 200, schema: 'Contract', example: EXAMPLES.contract },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Patch('accounts/:accountId/contract')
  async status(
    @CurrentSession() who: DashboardSession,
    @AccountId() accountId: string,
    @Body() body: ContractStatusDto,
  ) {
    const contract = await this.setStatus.execute(
      SetContractStatusCommand.create({ ...body, accountId }),
    );
    await this.audit.record(who, 'contract.status', accountId, { status: body.status });
    return contract;
  }

  @RouteDoc({
    summary: 'Console: one account with its usage, keys, webhooks and notifications',
    auth: 'session',
    internal: true,
    query: LAST_30_DAYS,
    ok: { status: 200, schema: 'AccountInspection', example: ACCOUNT_INSPECTION },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Get('accounts/:accountId/inspection')
  async inspect(
    @CurrentSession() who: DashboardSession,
    @AccountId() accountId: string,
    @Query() query: UsageQueryDto,
  ) {
    const inspection = await this.inspectAccount.execute(
      InspectAccountCommand.create({ ...query, accountId }),
    );
    // Another tenant's keys and webhooks seen: on the trail like a change, so owners can be told
    // who looked.
    await this.audit.record(who, 'account.inspect', inspection.account.username, { ...query });
    return inspection;
  }

  @RouteDoc({
    summary: "Console: the operators' audit trail, newest first",
    auth: 'session',
    internal: true,
    ok: {
      status: 200,
      schema: arrayOf('AuditEvent'),
      example: [
        {
          actor: 'ops',
          action: 'contract.status',
          target: '289881b8-0142-40a5-a07b-18ee29cf782a',
          detail: { status: 'suspended' },
          created: '2026-12-05T19:40:00.000Z',
        },
      ],
    },
  })
  @PlatewiseErrors(401, 403)
  @Get('audit')
  trail() {
    return this.audit.list();
  }
}
