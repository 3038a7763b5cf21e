import { Module } from '@nestjs/common';
import { DomainModule } from '@platewise/domain';
import { AuthModule } from '../auth/auth.module';
import { MetricsModule } from '../metrics/metrics.module';
import { PlateReaderModule } from '../plate-reader/plate-reader.module';
import { RedactModule } from '../redact/redact.module';
import { UsageReportsModule } from '../usage-reports/usage-reports.module';
import { WebhooksModule } from '../webhooks/webhooks.module';
import { AccountKeysController } from './account-keys.controller';
import { AccountWebhooksController } from './account-webhooks.controller';
import { AccountController } from './account.controller';
import { LoginThrottle } from './login-throttle';
import { OperatorController } from './operator.controller';
import { SessionController } from './session.controller';
import { OperatorGuard, SessionGuard } from './session.guard';
import { SessionOwners } from './session-owner';
import { SessionStore } from './session.store';
import { SessionCallerGuard, TryItController, TryItRedactController } from './try-it.controller';
import { WebhookTestEvent } from './webhook-test-event';

/** The account dashboard's HTTP side: sign-in sessions and the routes its pages call (`/account/*`). */
@Module({
  // MetricsModule: the try-it route is metered, and QuotaGuard counts refusals.
  imports: [
    AuthModule,
    DomainModule,
    MetricsModule,
    PlateReaderModule,
    RedactModule,
    UsageReportsModule,
    WebhooksModule,
  ],
  controllers: [
    SessionController,
    AccountController,
    AccountKeysController,
    AccountWebhooksController,
    TryItController,
    TryItRedactController,
    OperatorController,
  ],
  providers: [
    SessionStore,
    LoginThrottle,
    SessionGuard,
    OperatorGuard,
    SessionCallerGuard,
    SessionOwners,
    WebhookTestEvent,
  ],
})
export class AccountWebModule {}
