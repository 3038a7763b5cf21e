import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { KeyOwner, WebhooksService } from '@platewise/domain';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { ChangesKeyOwners } from '../auth/key-owner-changes.interceptor';
import { CurrentAccount } from '../auth/request.decorators';
import { CreateWebhookDto } from './webhook.dto';
import { WebhookTargetsService } from './webhook-targets.service';
import { WebhookIdPipe } from './webhook-id.pipe';
import { PlateRecognizerErrors, RouteDoc } from '../openapi/route-doc';
import { EXAMPLES } from '../openapi/examples';
import { arrayOf } from '../openapi/schemas';

/** An account's own webhooks. The secret that signs deliveries is returned once, at creation. */
@Controller('v1/webhooks')
@UseGuards(ApiKeyGuard)
@ChangesKeyOwners()
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly targets: WebhookTargetsService,
  ) {}

  @RouteDoc({
    summary: "The account's webhook targets",
    auth: 'key',
    ok: { status: 200, schema: arrayOf('Webhook'), example: [EXAMPLES.webhook] },
  })
  @PlateRecognizerErrors(403)
  @Get()
  list(@CurrentAccount() owner: KeyOwner) {
    return this.webhooks.list(owner.accountId);
  }

  @RouteDoc({
    summary: 'Add a webhook target (the signing secret is returned once)',
    auth: 'key',
    request: { target: 'https://hooks.example.com/plates', include_image: false },
    ok: { status: 201, schema: 'Webhook', example: EXAMPLES.createdWebhook },
  })
  @PlateRecognizerErrors(400, 403)
  @Post()
  create(@CurrentAccount() owner: KeyOwner, @Body() body: CreateWebhookDto) {
    return this.targets.add(owner.accountId, body.target, body.include_image ?? false);
  }

  @RouteDoc({ summary: 'Remove a webhook target', auth: 'key', ok: { status: 204 } })
  @PlateRecognizerErrors(400, 403, 404)
  @Delete(':webhookId')
  @HttpCode(204)
  remove(@CurrentAccount() owner: KeyOwner, @Param('webhookId', new WebhookIdPipe()) id: number) {
    return this.webhooks.remove(owner.accountId, id);
  }

  @RouteDoc({
    summary: 'Delivery log of a webhook',
    auth: 'key',
    ok: { status: 200, schema: arrayOf('Delivery'), example: [EXAMPLES.delivery] },
  })
  @PlateRecognizerErrors(400, 403, 404)
  @Get(':webhookId/deliveries')
  deliveries(
    @CurrentAccount() owner: KeyOwner,
    @Param('webhookId', new WebhookIdPipe()) id: number,
  ) {
    return this.webhooks.deliveries(owner.accountId, id);
  }
}
