import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { AdminTokenGuard } from './admin-token.guard';
import { ApiKeyGuard } from './api-key.guard';
import { ApiKeyStrategy } from './api-key.strategy';

@Module({
  imports: [PassportModule],
  providers: [ApiKeyStrategy, ApiKeyGuard, AdminTokenGuard],
  exports: [ApiKeyGuard, AdminTokenGuard],
})
export class AuthModule {}
