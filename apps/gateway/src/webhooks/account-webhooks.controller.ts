import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { WebhooksService } from '@platewise/domain';
import { CreateWebhookDto } from './webhook.dto';
import { WebhookTargetsService } from './webhook-targets.service';
import { WebhookIdPipe } from './webhook-id.pipe';
import { ChangesKeyOwners } from '../auth/key-owner-changes.interceptor';
import { CurrentSession, SessionGuard, type DashboardSession } from '../auth/session/session.guard';
import { WebhookTestEvent } from './webhook-test-event';
import { PlatewiseErrors, RouteDoc } from '../openapi/route-doc';
import { EXAMPLES } from '../openapi/examples';
import { arrayOf } from '../openapi/schemas';

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

  @RouteDoc({
    summary: 'Webhook targets',
    auth: 'session',
    internal: true,
    ok: { status: 200, schema: arrayOf('Webhook'), example: [EXAMPLES.webhook] },
  })
  @PlatewiseErrors(401)
  @Get()
  list(@CurrentSession() session: DashboardSession) {
    return this.webhooks.list(session.accountId);
  }

  /** The signing secret is in this answer only. */
  @RouteDoc({
    summary: 'Add a webhook target (secret shown once)',
    auth: 'session',
    internal: true,
    request: { target: 'https://hooks.example.com/plates', include_image: false },
    ok: { status: 201, schema: 'Webhook', example: EXAMPLES.createdWebhook },
  })
  @PlatewiseErrors(400, 401, 403)
  @Post()
  add(@CurrentSession() session: DashboardSession, @Body() body: CreateWebhookDto) {
    return this.targets.add(session.accountId, body.target, body.include_image ?? false);
  }

  @RouteDoc({
    summary: 'Remove a webhook target',
    auth: 'session',
    internal: true,
    ok: { status: 204 },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Delete(':webhookId')
  @HttpCode(204)
  remove(@CurrentSession() session: DashboardSession, @WebhookId() webhookId: number) {
    return this.webhooks.remove(session.accountId, webhookId);
  }

  @RouteDoc({
    summary: 'Delivery log',
    auth: 'session',
    internal: true,
    ok: { status: 200, schema: arrayOf('Delivery'), example: [EXAMPLES.delivery] },
  })
  @PlatewiseErrors(400, 401, 404)
  @Get(':webhookId/deliveries')
  deliveries(@CurrentSession() session: DashboardSession, @WebhookId() webhookId: number) {
    return this.webhooks.deliveries(session.accountId, webhookId);
  }

  @RouteDoc({
    summary: 'Send a test event',
    auth: 'session',
    internal: true,
    ok: { status: 202, schema: 'Accepted', example: { queued: true } },
  })
  @PlatewiseErrors(400, 401, 403, 404)
  @Post(':webhookId/test')
  @HttpCode(202)
  sendTest(@CurrentSession() session: DashboardSession, @WebhookId() webhookId: number) {
    return this.testEvent.send(session.accountId, webhookId);
  }
}
