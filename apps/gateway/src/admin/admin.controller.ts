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
  AccountsService,
  ApiKeysService,
  ContractsService,
  NotificationsService,
  PasswordsService,
  PlansService,
  SecurityService,
  toAccountView,
  toContractView,
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
  ) {}

  @Get('plans')
  listPlans() {
    return this.plans.list();
  }

  @Put('plans')
  savePlan(@Body() body: PlanDto) {
    return this.plans.upsert(body);
  }

  @Post('accounts')
  createAccount(@Body() body: CreateAccountDto) {
    return this.accounts.create(body);
  }

  @Get('accounts')
  listAccounts() {
    return this.accounts.list();
  }

  @Get('accounts/:accountId')
  async getAccount(@AccountId() accountId: string) {
    return toAccountView(await this.accounts.get(accountId));
  }

  @Patch('accounts/:accountId')
  updateAccount(@AccountId() accountId: string, @Body() body: AccountSettingsDto) {
    return this.accounts.updateSettings(accountId, body);
  }

  /** Sets the dashboard password; sessions started before it end. */
  @Put('accounts/:accountId/password')
  @HttpCode(204)
  async setPassword(@AccountId() accountId: string, @Body() body: PasswordDto) {
    await this.accounts.get(accountId);
    await this.passwords.set(accountId, body.password);
    if (body.operator !== undefined) await this.passwords.setOperator(accountId, body.operator);
  }

  @Post('accounts/:accountId/contract')
  async signContract(@AccountId() accountId: string, @Body() body: SignContractDto) {
    await this.accounts.get(accountId);
    return toContractView(
      await this.contracts.sign(accountId, body.plan, body.date ? new Date(body.date) : undefined),
    );
  }

  @Patch('accounts/:accountId/contract')
  async setContractStatus(@AccountId() accountId: string, @Body() body: ContractStatusDto) {
    return toContractView(await this.contracts.setStatus(accountId, body.status));
  }

  @Get('accounts/:accountId/keys')
  async listKeys(@AccountId() accountId: string) {
    await this.accounts.get(accountId);
    return this.keys.list(accountId);
  }

  @Post('accounts/:accountId/keys')
  async issueKey(@AccountId() accountId: string, @Body() body: IssueKeyDto) {
    await this.accounts.get(accountId);
    return this.keys.issue(accountId, body.label);
  }

  @Delete('accounts/:accountId/keys/:keyId')
  revokeKey(@AccountId() accountId: string, @Param('keyId', new ParseUUIDPipe()) keyId: string) {
    return this.keys.revoke(accountId, keyId);
  }

  @Post('accounts/:accountId/keys/:keyId/rotate')
  @HttpCode(201)
  rotateKey(@AccountId() accountId: string, @Param('keyId', new ParseUUIDPipe()) keyId: string) {
    return this.keys.rotate(accountId, keyId);
  }

  @Get('accounts/:accountId/security')
  async getSecurity(@AccountId() accountId: string) {
    await this.accounts.get(accountId);
    return this.security.get(accountId);
  }

  @Put('accounts/:accountId/security')
  async setSecurity(@AccountId() accountId: string, @Body() body: SecurityDto) {
    await this.accounts.get(accountId);
    return this.security.update(accountId, body);
  }

  @Get('accounts/:accountId/webhooks')
  async listWebhooks(@AccountId() accountId: string) {
    await this.accounts.get(accountId);
    return this.webhooks.list(accountId);
  }

  @Post('accounts/:accountId/webhooks')
  async addWebhook(@AccountId() accountId: string, @Body() body: CreateWebhookDto) {
    await this.accounts.get(accountId);
    return this.webhookTargets.add(accountId, body.target, body.include_image ?? false);
  }

  @Delete('accounts/:accountId/webhooks/:webhookId')
  @HttpCode(204)
  removeWebhook(
    @AccountId() accountId: string,
    @Param('webhookId', new WebhookIdPipe()) webhookId: number,
  ) {
    return this.webhooks.remove(accountId, webhookId);
  }

  @Get('accounts/:accountId/webhooks/:webhookId/deliveries')
  deliveries(
    @AccountId() accountId: string,
    @Param('webhookId', new WebhookIdPipe()) webhookId: number,
  ) {
    return this.webhooks.deliveries(accountId, webhookId);
  }

  /** Messages for owners, e.g. webhooks removed after repeated failures. */
  @Get('notifications')
  notifications(@Query('accountId') accountId?: string) {
    return this.notices.list(accountId);
  }

  @Get('accounts/:accountId/usage')
  async usageReport(@AccountId() accountId: string, @Query() query: UsageQueryDto) {
    await this.accounts.get(accountId);
    return this.usage.report(accountId, query.from, query.to);
  }
}
