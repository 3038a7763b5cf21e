import { Module } from '@nestjs/common';
import { AccountsService } from './accounts/accounts.service';
import { ApiKeysService } from './api-keys/api-keys.service';
import { ContractsService } from './contracts/contracts.service';
import { DatabaseModule, RedisModule } from '@platewise/infra';
import { PasswordsService } from './passwords/passwords.service';
import { PlansService } from './plans/plans.service';
import { QuotaService } from './quota/quota.service';
import { SecurityService } from './security/security.service';
import { UsageService } from './usage/usage.service';
import { UsageVersions } from './usage/usage-versions';
import { WebhooksService } from './webhooks/webhooks.service';
import { NotificationsService } from './notifications/notifications.service';
import { ReadsService } from './reads/reads.service';
import { WatchlistsService } from './watchlists/watchlists.service';

const services = [
  AccountsService,
  ApiKeysService,
  ContractsService,
  PasswordsService,
  PlansService,
  QuotaService,
  SecurityService,
  UsageService,
  UsageVersions,
  WebhooksService,
  NotificationsService,
  ReadsService,
  WatchlistsService,
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
