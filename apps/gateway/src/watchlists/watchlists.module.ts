import { Module } from '@nestjs/common';
import { DomainModule } from '@platewise/domain';
import { AuthModule } from '../auth/auth.module';
import { WatchlistsController } from './watchlists.controller';

@Module({
  imports: [AuthModule, DomainModule],
  controllers: [WatchlistsController],
})
export class WatchlistsModule {}
