import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { WatchlistsService } from '@platewise/domain';
import { CurrentSession, SessionGuard, type DashboardSession } from '../auth/session/session.guard';
import { PlatewiseErrors, RouteDoc } from '../openapi/route-doc';
import { EXAMPLES } from '../openapi/examples';
import { arrayOf } from '../openapi/schemas';
import { WebhookIdPipe } from '../webhooks/webhook-id.pipe';
import { CreateWatchlistDto } from './watchlist.dto';

/** The dashboard's Watchlists page: the signed-in owner's watched plates. */
@Controller('account/watchlists')
@UseGuards(SessionGuard)
export class AccountWatchlistsController {
  constructor(private readonly watchlists: WatchlistsService) {}

  @RouteDoc({
    summary: 'Watched plates',
    auth: 'session',
    internal: true,
    ok: { status: 200, schema: arrayOf('WatchlistEntry'), example: [EXAMPLES.watchlistEntry] },
  })
  @PlatewiseErrors(401)
  @Get()
  list(@CurrentSession() session: DashboardSession) {
    return this.watchlists.list(session.accountId);
  }

  @RouteDoc({
    summary: 'Watch a plate',
    auth: 'session',
    internal: true,
    ok: { status: 201, schema: 'WatchlistEntry', example: EXAMPLES.watchlistEntry },
  })
  @PlatewiseErrors(400, 401, 403)
  @Post()
  create(@CurrentSession() session: DashboardSession, @Body() body: CreateWatchlistDto) {
    return this.watchlists.create(session.accountId, body);
  }

  @RouteDoc({
    summary: 'Stop watching a plate',
    auth: 'session',
    internal: true,
    ok: { status: 204 },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Delete(':watchlistId')
  @HttpCode(204)
  remove(
    @CurrentSession() session: DashboardSession,
    @Param('watchlistId', new WebhookIdPipe('watchlist entry')) id: number,
  ) {
    return this.watchlists.remove(session.accountId, id);
  }
}
