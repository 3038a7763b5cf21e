import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { DomainModule, KeyOwnerCache } from '@platewise/domain';
import { AdminTokenGuard } from './admin-token.guard';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyStrategy } from './api-key.strategy';

@Module({
  imports: [PassportModule, DomainModule],
  providers: [ApiKeyStrategy, ApiKeyGuard, AdminTokenGuard, KeyOwnerCache],
  exports: [ApiKeyGuard, AdminTokenGuard],
})
export class AuthModule {}
