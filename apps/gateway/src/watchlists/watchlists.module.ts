import { Module } from '@nestjs/common';
import { DomainModule } from '@platewise/domain';
import { AuthModule } from '../auth/auth.module';
import { SessionsModule } from '../auth/session/sessions.module';
import { AccountWatchlistsController } from './account-watchlists.controller';
import { WatchlistsController } from './watchlists.controller';

@Module({
  imports: [AuthModule, DomainModule, SessionsModule],
  // The API's routes and the dashboard's page of the same watchlists.
  controllers: [WatchlistsController, AccountWatchlistsController],
})
export class WatchlistsModule {}
