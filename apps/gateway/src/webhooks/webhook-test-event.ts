import { Injectable } from '@nestjs/common';
import { NotFoundError, WebhooksService } from '@platewise/domain';
import { BullMqWebhookSink } from '@platewise/recognition';

/**
 * "Send a test event": one delivery of a sample payload through the same queue, signature and
 * retries as real events, so the owner sees it in the delivery log.
 */
@Injectable()
export class WebhookTestEvent {
  constructor(
    private readonly webhooks: WebhooksService,
    private readonly sink: BullMqWebhookSink,
  ) {}

  async send(accountId: string, webhookId: number): Promise<{ queued: true }> {
    const hook = await this.webhooks.find(webhookId);
    if (hook?.accountId !== accountId)
      throw new NotFoundError(`no webhook ${webhookId} on this account`);
    await this.sink.enqueueTest(webhookId);
    return { queued: true };
  }
}
