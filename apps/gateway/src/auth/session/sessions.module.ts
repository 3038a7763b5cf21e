import { Module } from '@nestjs/common';
import { DomainModule } from '@platewise/domain';
import { LoginThrottle } from './login-throttle';
import { SessionCallerGuard } from './session-caller.guard';
import { SessionController } from './session.controller';
import { OperatorGuard, SessionGuard } from './session.guard';
import { SessionOwners } from './session-owner';
import { SessionStore } from './session.store';

/**
 * Dashboard sign-in sessions and the guards of every dashboard route. Each capability's module
 * imports this one and registers its own `/account/*` controllers beside its API routes.
 */
@Module({
  imports: [DomainModule],
  controllers: [SessionController],
  providers: [
    SessionStore,
    LoginThrottle,
    SessionGuard,
    OperatorGuard,
    SessionCallerGuard,
    SessionOwners,
  ],
  exports: [SessionStore, SessionGuard, OperatorGuard, SessionCallerGuard, SessionOwners],
})
export class SessionsModule {}
