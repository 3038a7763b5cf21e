import { WEBHOOK_QUEUE, WebhookJob } from '@platewise/domain';
import { AppConfig, closeQueue, queueOptions } from '@platewise/infra';
import type { SnapshotResponse } from '@platewise/snapshot';
import { Queue } from 'bullmq';
import { isRedaction, RecognitionCall, RedactionResponse } from '../contract';

type Settings = Pick<
  AppConfig,
  'REDIS_URL' | 'REDIS_PREFIX' | 'WEBHOOK_ATTEMPTS' | 'WEBHOOK_BACKOFF_MS'
>;

/** One delivery job per target on the webhooks queue, retried with exponential backoff. */
export class BullMqWebhookSink {
  private readonly queue: Queue<WebhookJob>;

  constructor(private readonly config: Settings) {
    this.queue = new Queue(WEBHOOK_QUEUE, queueOptions(config as AppConfig));
  }

  /** A served call's answer to each of its targets (the gateway, once the call is counted). */
  async enqueue(
    call: Pick<RecognitionCall, 'webhooks' | 'filename'>,
    image: Buffer,
    response: SnapshotResponse | RedactionResponse,
  ): Promise<void> {
    // A redaction's hooks get its JSON form, the redacted image inside; never the original.
    const event = isRedaction(response) ? ('image.redacted' as const) : ('image.done' as const);
    await this.queue.addBulk(
      call.webhooks.map((hook) => ({
        name: event,
        data: {
          webhookId: hook.id,
          event,
          data: response as unknown as Record<string, unknown>,
          // Deliveries outlive the call (retries with backoff), so they carry their own copy.
          ...(hook.includeImage && event === 'image.done'
            ? { image: image.toString('base64'), filename: call.filename }
            : {}),
        },
        opts: this.jobOptions(),
      })),
    );
  }

  /** One event that is not a recognition result (`watchlist.match`) to each of the targets. */
  async enqueueEvent(
    webhookIds: number[],
    event: WebhookJob['event'],
    data: Record<string, unknown>,
  ): Promise<void> {
    await this.queue.addBulk(
      webhookIds.map((webhookId) => ({
        name: event,
        data: { webhookId, event, data },
        opts: this.jobOptions(),
      })),
    );
  }

  /** The sample event an owner sends from the dashboard: signed, retried and logged like any other. */
  async enqueueTest(webhookId: number): Promise<void> {
    const data = { message: 'platewise test event', sent: new Date().toISOString() };
    await this.queue.add(
      'webhook.test',
      { webhookId, event: 'webhook.test', data },
      this.jobOptions(),
    );
  }

  /** A stream process's vehicle event (Snapshot-shaped, with camera_id and direction) to each hook. */
  async enqueueStreamEvent(webhookIds: number[], data: Record<string, unknown>): Promise<void> {
    if (!webhookIds.length) return;
    await this.queue.addBulk(
      webhookIds.map((webhookId) => ({
        name: 'stream.event',
        data: { webhookId, event: 'stream.event' as const, data },
        opts: this.jobOptions(),
      })),
    );
  }

  private jobOptions() {
    return {
      attempts: this.config.WEBHOOK_ATTEMPTS,
      backoff: { type: 'exponential', delay: this.config.WEBHOOK_BACKOFF_MS },
      removeOnComplete: true,
      removeOnFail: true,
    };
  }

  close(): Promise<void> {
    return closeQueue(this.queue);
  }
}
