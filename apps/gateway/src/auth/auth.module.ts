import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { DomainModule, KeyOwnerCache } from '@platewise/domain';
import { AdminTokenGuard } from './admin-token.guard';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyStrategy } from './api-key.strategy';
import { KeyOwnerChangesInterceptor } from './key-owner-changes.interceptor';

@Module({
  imports: [PassportModule, DomainModule],
  providers: [ApiKeyStrategy, ApiKeyGuard, AdminTokenGuard, KeyOwnerCache, KeyOwnerChangesInterceptor],
  exports: [ApiKeyGuard, AdminTokenGuard, KeyOwnerCache, KeyOwnerChangesInterceptor],
})
export class AuthModule {}
