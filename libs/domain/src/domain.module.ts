import { Global, Module } from '@nestjs/common';
import { AccountsService } from './accounts/accounts.service';
import { ApiKeysService } from './api-keys/api-keys.service';
import { ContractsService } from './contracts/contracts.service';
import { DatabaseModule } from './database/database.module';
import { PlansService } from './plans/plans.service';
import { QuotaService } from './quota/quota.service';
import { RedisModule } from './redis/redis.module';
import { SecurityService } from './security/security.service';
import { UsageService } from './usage/usage.service';
import { WebhooksService } from './webhooks/webhooks.service';

const services = [
  AccountsService,
  ApiKeysService,
  ContractsService,
  PlansService,
  QuotaService,
  SecurityService,
  UsageService,
  WebhooksService,
];

/** Accounts, keys, plans, contracts, usage and quota: the services every app shares. Needs ConfigModule. */
@Global()
@Module({ imports: [DatabaseModule, RedisModule], providers: services, exports: services })
export class DomainModule {}
