import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { WebhooksService } from '@platewise/domain';
import { CreateWebhookDto } from '../webhooks/webhook.dto';
import { WebhookTargetsService } from '../webhooks/webhook-targets.service';
import { WebhookIdPipe } from '../webhooks/webhook-id.pipe';
import { ChangesKeyOwners } from '../auth/key-owner-changes.interceptor';
import { CurrentSession, SessionGuard, type DashboardSession } from './session.guard';
import { WebhookTestEvent } from './webhook-test-event';

// The same id rules as the API's webhook routes: not a number → 400, beyond the column's range → 404.
const WebhookId = () => Param('webhookId', new WebhookIdPipe());

/** The signed-in owner's webhooks (every call scoped to the session's account). */
@Controller('account/webhooks')
@UseGuards(SessionGuard)
@ChangesKeyOwners()
export class AccountWebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly targets: WebhookTargetsService,
    private readonly testEvent: WebhookTestEvent,
  ) {}

  @Get()
  list(@CurrentSession() session: DashboardSession) {
    return this.webhooks.list(session.accountId);
  }

  /** The signing secret is in this answer only. */
  @Post()
  add(@CurrentSession() session: DashboardSession, @Body() body: CreateWebhookDto) {
    return this.targets.add(session.accountId, body.target, body.include_image ?? false);
  }

  @Delete(':webhookId')
  @HttpCode(204)
  remove(@CurrentSession() session: DashboardSession, @WebhookId() webhookId: number) {
    return this.webhooks.remove(session.accountId, webhookId);
  }

  @Get(':webhookId/deliveries')
  deliveries(@CurrentSession() session: DashboardSession, @WebhookId() webhookId: number) {
    return this.webhooks.deliveries(session.accountId, webhookId);
  }

  @Post(':webhookId/test')
  @HttpCode(202)
  sendTest(@CurrentSession() session: DashboardSession, @WebhookId() webhookId: number) {
    return this.testEvent.send(session.accountId, webhookId);
  }
}
