import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { KeyOwner, WatchlistsService } from '@platewise/domain';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CurrentAccount } from '../auth/request.decorators';
import { WebhookIdPipe } from '../webhooks/webhook-id.pipe';
import { CreateWatchlistDto } from './watchlist.dto';
import { PlateRecognizerErrors, RouteDoc } from '../openapi/route-doc';
import { EXAMPLES } from '../openapi/examples';
import { arrayOf } from '../openapi/schemas';

/**
 * Plates the account wants to hear about: a read that matches is e-mailed to the account and sent
 * to its webhooks as a `watchlist.match` event.
 */
@Controller('v1/watchlists')
@UseGuards(ApiKeyGuard)
export class WatchlistsController {
  constructor(private readonly watchlists: WatchlistsService) {}

  @RouteDoc({
    summary: 'Plates the account watches',
    auth: 'key',
    ok: { status: 200, schema: arrayOf('WatchlistEntry'), example: [EXAMPLES.watchlistEntry] },
  })
  @PlateRecognizerErrors(403)
  @Get()
  list(@CurrentAccount() owner: KeyOwner) {
    return this.watchlists.list(owner.accountId);
  }

  @RouteDoc({
    summary: 'Watch a plate',
    description:
      'A read that matches is e-mailed to the account (when it has an address and SMTP_URL is ' +
      'set), listed in its notifications, and sent to its webhooks as a signed `watchlist.match` ' +
      'event carrying the entry and the read. A plate is watched once per `match`: a second entry ' +
      'for it is refused (400).',
    auth: 'key',
    request: { plate: 'AYO9034', label: 'stolen van', match: 'lookalike' },
    ok: { status: 201, schema: 'WatchlistEntry', example: EXAMPLES.watchlistEntry },
  })
  @PlateRecognizerErrors(400, 403)
  @Post()
  create(@CurrentAccount() owner: KeyOwner, @Body() body: CreateWatchlistDto) {
    return this.watchlists.create(owner.accountId, body);
  }

  @RouteDoc({ summary: 'Stop watching a plate', auth: 'key', ok: { status: 204 } })
  @PlateRecognizerErrors(400, 403, 404)
  @Delete(':watchlistId')
  @HttpCode(204)
  remove(
    @CurrentAccount() owner: KeyOwner,
    @Param('watchlistId', new WebhookIdPipe('watchlist entry')) id: number,
  ) {
    return this.watchlists.remove(owner.accountId, id);
  }
}
