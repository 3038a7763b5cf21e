import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { KeyOwner, WatchlistsService } from '@platewise/domain';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CurrentAccount } from '../auth/request.decorators';
import { WebhookIdPipe } from '../webhooks/webhook-id.pipe';
import { CreateWatchlistDto } from './watchlist.dto';

/**
 * Plates the account wants to hear about: a read that matches is e-mailed to the account and sent
 * to its webhooks as a `watchlist.match` event.
 */
@Controller('v1/watchlists')
@UseGuards(ApiKeyGuard)
export class WatchlistsController {
  constructor(private readonly watchlists: WatchlistsService) {}

  @Get()
  list(@CurrentAccount() owner: KeyOwner) {
    return this.watchlists.list(owner.accountId);
  }

  @Post()
  create(@CurrentAccount() owner: KeyOwner, @Body() body: CreateWatchlistDto) {
    return this.watchlists.create(owner.accountId, body);
  }

  @Delete(':watchlistId')
  @HttpCode(204)
  remove(
    @CurrentAccount() owner: KeyOwner,
    @Param('watchlistId', new WebhookIdPipe('watchlist entry')) id: number,
  ) {
    return this.watchlists.remove(owner.accountId, id);
  }
}
