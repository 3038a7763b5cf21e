import { Body, Controller, Delete, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { KeyOwner, WebhooksService } from '@platewise/domain';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { ChangesKeyOwners } from '../auth/key-owner-changes.interceptor';
import { CurrentAccount } from '../auth/request.decorators';
import { CreateWebhookDto } from './webhook.dto';
import { WebhookTargetsService } from './webhook-targets.service';
import { WebhookIdPipe } from './webhook-id.pipe';

/** An account's own webhooks. The secret that signs deliveries is returned once, at creation. */
@Controller('v1/webhooks')
@UseGuards(ApiKeyGuard)
@ChangesKeyOwners()
export class WebhooksController {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly targets: WebhookTargetsService,
  ) {}

  @Get()
  list(@CurrentAccount() owner: KeyOwner) {
    return this.webhooks.list(owner.accountId);
  }

  @Post()
  create(@CurrentAccount() owner: KeyOwner, @Body() body: CreateWebhookDto) {
    return this.targets.add(owner.accountId, body.target, body.include_image ?? false);
  }

  @Delete(':webhookId')
  @HttpCode(204)
  remove(@CurrentAccount() owner: KeyOwner, @Param('webhookId', new WebhookIdPipe()) id: number) {
    return this.webhooks.remove(owner.accountId, id);
  }

  @Get(':webhookId/deliveries')
  deliveries(
    @CurrentAccount() owner: KeyOwner,
    @Param('webhookId', new WebhookIdPipe()) id: number,
  ) {
    return this.webhooks.deliveries(owner.accountId, id);
  }
}
