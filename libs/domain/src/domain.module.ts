import { Module } from '@nestjs/common';
import { AccountsService } from './accounts/accounts.service';
import { EmailConfirmationsService } from './accounts/email-confirmations.service';
import { ApiKeysService } from './api-keys/api-keys.service';
import { ContractsService } from './contracts/contracts.service';
import { DatabaseModule, RedisModule } from '@platewise/infra';
import { PasswordsService } from './passwords/passwords.service';
import { PlansService } from './plans/plans.service';
import { QuotaService } from './quota/quota.service';
import { SecurityService } from './security/security.service';
import { UsageService } from './usage/usage.service';
import { UsageJournal } from './usage/usage-journal';
import { UsageVersions } from './usage/usage-versions';
import { WebhooksService } from './webhooks/webhooks.service';
import { NotificationsService } from './notifications/notifications.service';
import { ContractReminders } from './notifications/contract-reminders';
import { ReadsService } from './reads/reads.service';
import { WatchlistsService } from './watchlists/watchlists.service';
import { AuditService } from './audit/audit.service';
import { CreateAccount } from './accounts/usecases/create-account/create-account.usecase';
import { UpdateAccountSettings } from './accounts/usecases/update-account-settings/update-account-settings.usecase';
import { SetPassword } from './accounts/usecases/set-password/set-password.usecase';
import { SavePlan } from './plans/usecases/save-plan/save-plan.usecase';
import { SignContract } from './contracts/usecases/sign-contract/sign-contract.usecase';
import { SetContractStatus } from './contracts/usecases/set-contract-status/set-contract-status.usecase';
import { IssueKey } from './api-keys/usecases/issue-key/issue-key.usecase';
import { RevokeKey } from './api-keys/usecases/revoke-key/revoke-key.usecase';
import { InspectAccount } from './accounts/usecases/inspect-account/inspect-account.usecase';

/** One per operator operation, shared by the admin HTTP API, the CLI and the dashboard's console. */
const usecases = [
  CreateAccount,
  UpdateAccountSettings,
  SetPassword,
  SavePlan,
  SignContract,
  SetContractStatus,
  IssueKey,
  RevokeKey,
  InspectAccount,
];

const services = [
  AccountsService,
  EmailConfirmationsService,
  ApiKeysService,
  ContractsService,
  PasswordsService,
  PlansService,
  QuotaService,
  SecurityService,
  UsageService,
  UsageJournal,
  UsageVersions,
  WebhooksService,
  NotificationsService,
  ContractReminders,
  ReadsService,
  WatchlistsService,
  AuditService,
  ...usecases,
];

/**
 * Accounts, keys, plans, contracts, usage and quota: the services every app shares, imported by
 * each feature module that uses them (one instance per app). Needs ConfigModule. Re-exports the
 * Redis connection, which the recognition transports and processors use too.
 */
@Module({
  imports: [DatabaseModule, RedisModule],
  providers: services,
  exports: [...services, RedisModule],
})
export class DomainModule {}
