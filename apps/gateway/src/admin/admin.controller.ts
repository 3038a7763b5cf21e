import {
  Body,
  Controller,
  Delete,
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
  CreateAccount,
  CreateAccountCommand,
  InspectAccount,
  InspectAccountCommand,
  IssueKey,
  IssueKeyCommand,
  RevokeKey,
  RevokeKeyCommand,
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
  AccountsService,
  ApiKeysService,
  ContractsService,
  NotificationsService,
  PasswordsService,
  PlansService,
  SecurityService,
  toAccountView,
  UsageService,
  WebhooksService,
} from '@platewise/domain';
import { CreateWebhookDto } from '../webhooks/webhook.dto';
import { WebhookTargetsService } from '../webhooks/webhook-targets.service';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { ChangesKeyOwners } from '../auth/key-owner-changes.interceptor';
import {
  AccountSettingsDto,
  ContractStatusDto,
  CreateAccountDto,
  IssueKeyDto,
  PasswordDto,
  PlanDto,
  SecurityDto,
  SignContractDto,
  UsageQueryDto,
} from './admin.dto';
import { WebhookIdPipe } from '../webhooks/webhook-id.pipe';
import { PlatewiseErrors, RouteDoc } from '../openapi/route-doc';
import { ACCOUNT_INSPECTION, EXAMPLES } from '../openapi/examples';
import { arrayOf } from '../openapi/schemas';
import { LAST_30_DAYS } from '../openapi/query-docs';

const AccountId = () => Param('accountId', new ParseUUIDPipe());

/** Operator API: thin HTTP layer over the same services as the CLI. */
@Controller('admin')
@UseGuards(AdminTokenGuard)
@ChangesKeyOwners()
export class AdminController {
  constructor(
    private readonly accounts: AccountsService,
    private readonly keys: ApiKeysService,
    private readonly contracts: ContractsService,
    private readonly passwords: PasswordsService,
    private readonly plans: PlansService,
    private readonly security: SecurityService,
    private readonly usage: UsageService,
    private readonly webhooks: WebhooksService,
    private readonly webhookTargets: WebhookTargetsService,
    private readonly notices: NotificationsService,
    private readonly createAccountCase: CreateAccount,
    private readonly updateSettings: UpdateAccountSettings,
    private readonly setPasswordCase: SetPassword,
    private readonly savePlanCase: SavePlan,
    private readonly signContractCase: SignContract,
    private readonly setStatusCase: SetContractStatus,
    private readonly issueKeyCase: IssueKey,
    private readonly revokeKeyCase: RevokeKey,
    private readonly inspectCase: InspectAccount,
  ) {}

  @RouteDoc({
    summary: 'List plans',
    auth: 'admin',
    ok: { status: 200, schema: arrayOf('Plan'), example: [EXAMPLES.plan] },
  })
  @PlatewiseErrors(401, 403)
  @Get('plans')
  listPlans() {
    return this.plans.list();
  }

  @RouteDoc({
    summary: 'Create or update a plan',
    auth: 'admin',
    request: EXAMPLES.plan,
    ok: { status: 200, schema: 'Plan', example: EXAMPLES.plan },
  })
  @PlatewiseErrors(400, 401, 403)
  @Put('plans')
  savePlan(@Body() body: PlanDto) {
    return this.savePlanCase.execute(SavePlanCommand.create(body));
  }

  @RouteDoc({
    summary: 'Create an account and its first key (shown once)',
    auth: 'admin',
    request: { username: 'acme', firstName: 'Ada', lastName: 'Lovelace', plan: 'pro' },
    ok: { status: 201, schema: 'CreatedAccount', example: EXAMPLES.createdAccount },
  })
  @PlatewiseErrors(400, 401, 403, 409)
  @Post('accounts')
  createAccount(@Body() body: CreateAccountDto) {
    return this.createAccountCase.execute(CreateAccountCommand.create(body));
  }

  @RouteDoc({
    summary: 'List accounts',
    auth: 'admin',
    ok: { status: 200, schema: arrayOf('Account'), example: [EXAMPLES.account] },
  })
  @PlatewiseErrors(401, 403)
  @Get('accounts')
  listAccounts() {
    return this.accounts.list();
  }

  @RouteDoc({
    summary: 'One account',
    auth: 'admin',
    ok: { status: 200, schema: 'Account', example: EXAMPLES.account },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Get('accounts/:accountId')
  async getAccount(@AccountId() accountId: string) {
    return toAccountView(await this.accounts.get(accountId));
  }

  @RouteDoc({
    summary:
      'One account with its usage, keys, webhooks and notifications (as the console shows it)',
    auth: 'admin',
    query: LAST_30_DAYS,
    ok: { status: 200, schema: 'AccountInspection', example: ACCOUNT_INSPECTION },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Get('accounts/:accountId/inspection')
  inspect(@AccountId() accountId: string, @Query() query: UsageQueryDto) {
    return this.inspectCase.execute(InspectAccountCommand.create({ ...query, accountId }));
  }

  @RouteDoc({
    summary: "Change the account's e-mail address (notices) or read retention (0: none kept)",
    auth: 'admin',
    request: { email: 'ada@example.com', readRetentionDays: 30 },
    ok: { status: 200, schema: 'Account', example: EXAMPLES.account },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Patch('accounts/:accountId')
  updateAccount(@AccountId() accountId: string, @Body() body: AccountSettingsDto) {
    return this.updateSettings.execute(UpdateAccountSettingsCommand.create({ ...body, accountId }));
  }

  /** Sets the dashboard password; sessions started before it end. */
  @RouteDoc({
    summary: "Set or reset the account's dashboard password (ends its sessions)",
    auth: 'admin',
    request: { password: 'correct horse battery staple' },
    ok: { status: 204 },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Put('accounts/:accountId/password')
  @HttpCode(204)
  async setPassword(@AccountId() accountId: string, @Body() body: PasswordDto) {
    await this.setPasswordCase.execute(SetPasswordCommand.create({ ...body, accountId }));
  }

  @RouteDoc({
    summary: 'Sign or renew a contract',
    auth: 'admin',
    request: { plan: 'pro', date: '2026-12-05T00:00:00.000Z' },
    ok: { status: 201, schema: 'Contract', example: EXAMPLES.contract },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Post('accounts/:accountId/contract')
  signContract(@AccountId() accountId: string, @Body() body: SignContractDto) {
    return this.signContractCase.execute(SignContractCommand.create({ ...body, accountId }));
  }

  @RouteDoc({
    summary: 'Suspend or reactivate the contract',
    auth: 'admin',
    request: { status: 'suspended' },
    ok: { status: 200, schema: 'Contract', example: EXAMPLES.contract },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Patch('accounts/:accountId/contract')
  setContractStatus(@AccountId() accountId: string, @Body() body: ContractStatusDto) {
    return this.setStatusCase.execute(SetContractStatusCommand.create({ ...body, accountId }));
  }

  @RouteDoc({
    summary: 'List keys with when they were last used',
    auth: 'admin',
    ok: { status: 200, schema: arrayOf('KeyInUse'), example: [EXAMPLES.keyInUse] },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Get('accounts/:accountId/keys')
  async listKeys(@AccountId() accountId: string) {
    await this.accounts.get(accountId);
    return this.keys.listInUse(accountId);
  }

  @RouteDoc({
    summary: 'Issue a key (shown once)',
    auth: 'admin',
    request: { label: 'parking-lot' },
    ok: { status: 201, schema: 'IssuedKey', example: EXAMPLES.issuedKey },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Post('accounts/:accountId/keys')
  issueKey(@AccountId() accountId: string, @Body() body: IssueKeyDto) {
    return this.issueKeyCase.execute(IssueKeyCommand.create({ ...body, accountId }));
  }

  @RouteDoc({
    summary: 'Revoke a key',
    auth: 'admin',
    ok: { status: 200, schema: 'ApiKey', example: EXAMPLES.revokedKey },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Delete('accounts/:accountId/keys/:keyId')
  revokeKey(@AccountId() accountId: string, @Param('keyId', new ParseUUIDPipe()) keyId: string) {
    return this.revokeKeyCase.execute(RevokeKeyCommand.create({ accountId, keyId }));
  }

  @RouteDoc({
    summary: 'Replace a key',
    auth: 'admin',
    ok: { status: 201, schema: 'IssuedKey', example: EXAMPLES.issuedKey },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Post('accounts/:accountId/keys/:keyId/rotate')
  @HttpCode(201)
  rotateKey(@AccountId() accountId: string, @Param('keyId', new ParseUUIDPipe()) keyId: string) {
    return this.keys.rotate(accountId, keyId);
  }

  @RouteDoc({
    summary: 'Security settings',
    auth: 'admin',
    ok: { status: 200, schema: 'SecuritySettings', example: EXAMPLES.security },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Get('accounts/:accountId/security')
  async getSecurity(@AccountId() accountId: string) {
    await this.accounts.get(accountId);
    return this.security.get(accountId);
  }

  @RouteDoc({
    summary: 'Change security settings',
    auth: 'admin',
    request: { exposeKey: true, ips: [], domains: ['*.example.com'] },
    ok: { status: 200, schema: 'SecuritySettings', example: EXAMPLES.security },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Put('accounts/:accountId/security')
  async setSecurity(@AccountId() accountId: string, @Body() body: SecurityDto) {
    await this.accounts.get(accountId);
    return this.security.update(accountId, body);
  }

  @RouteDoc({
    summary: "An account's webhooks",
    auth: 'admin',
    ok: { status: 200, schema: arrayOf('Webhook'), example: [EXAMPLES.webhook] },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Get('accounts/:accountId/webhooks')
  async listWebhooks(@AccountId() accountId: string) {
    await this.accounts.get(accountId);
    return this.webhooks.list(accountId);
  }

  @RouteDoc({
    summary: 'Add a webhook for an account',
    auth: 'admin',
    request: { target: 'https://hooks.example.com/plates', include_image: false },
    ok: { status: 201, schema: 'Webhook', example: EXAMPLES.createdWebhook },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Post('accounts/:accountId/webhooks')
  async addWebhook(@AccountId() accountId: string, @Body() body: CreateWebhookDto) {
    await this.accounts.get(accountId);
    return this.webhookTargets.add(accountId, body.target, body.include_image ?? false);
  }

  @RouteDoc({ summary: 'Remove a webhook', auth: 'admin', ok: { status: 204 } })
  @PlatewiseErrors(400, 401, 403, 404)
  @Delete('accounts/:accountId/webhooks/:webhookId')
  @HttpCode(204)
  removeWebhook(
    @AccountId() accountId: string,
    @Param('webhookId', new WebhookIdPipe()) webhookId: number,
  ) {
    return this.webhooks.remove(accountId, webhookId);
  }

  @RouteDoc({
    summary: 'Delivery log',
    auth: 'admin',
    ok: { status: 200, schema: arrayOf('Delivery'), example: [EXAMPLES.delivery] },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Get('accounts/:accountId/webhooks/:webhookId/deliveries')
  deliveries(
    @AccountId() accountId: string,
    @Param('webhookId', new WebhookIdPipe()) webhookId: number,
  ) {
    return this.webhooks.deliveries(accountId, webhookId);
  }

  /** Messages for owners, e.g. webhooks removed after repeated failures. */
  @RouteDoc({
    summary: 'Notifications for owners',
    query: [
      { name: 'accountId', description: 'only this account (a UUID); all accounts when absent' },
    ],
    auth: 'admin',
    ok: { status: 200, schema: arrayOf('Notification'), example: [EXAMPLES.notification] },
  })
  @PlatewiseErrors(400, 401, 403)
  @Get('notifications')
  notifications(@Query('accountId', new ParseUUIDPipe({ optional: true })) accountId?: string) {
    return this.notices.list(accountId);
  }

  @RouteDoc({
    summary: 'Daily usage and totals',
    auth: 'admin',
    query: LAST_30_DAYS,
    ok: { status: 200, schema: 'UsageRows', example: EXAMPLES.usageRows },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Get('accounts/:accountId/usage')
  async usageReport(@AccountId() accountId: string, @Query() query: UsageQueryDto) {
    await this.accounts.get(accountId);
    return this.usage.report(accountId, query.from, query.to);
  }
}
