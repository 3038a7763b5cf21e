/** Webhook deliveries: worker → target URLs, retried with backoff. */
export const WEBHOOK_QUEUE = 'webhooks';

export interface WebhookJob {
  webhookId: number;
  /** `webhook.test`: the sample event an owner sends from the dashboard; `stream.event`: a vehicle passage */
  event: 'image.done' | 'webhook.test' | 'stream.event';
  data: Record<string, unknown>;
  /** base64 image, for hooks that include it */
  image?: string;
  filename?: string | null;
}
