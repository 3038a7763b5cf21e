import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { DomainModule, KeyOwnerCache } from '@platewise/domain';
import { AdminTokenGuard } from './admin-token.guard';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyStrategy } from './api-key.strategy';
import { KeyLastUsed } from './key-last-used';
import { KeyOwnerChangesInterceptor } from './key-owner-changes.interceptor';

@Module({
  imports: [PassportModule, DomainModule],
  providers: [
    ApiKeyStrategy,
    ApiKeyGuard,
    AdminTokenGuard,
    KeyOwnerCache,
    KeyOwnerChangesInterceptor,
    KeyLastUsed,
  ],
  exports: [ApiKeyGuard, AdminTokenGuard, KeyOwnerCache, KeyOwnerChangesInterceptor, KeyLastUsed],
})
export class AuthModule {}
