/** Webhook deliveries: worker → target URLs, retried with backoff. */
export const WEBHOOK_QUEUE = 'webhooks';

export interface WebhookJob {
  webhookId: number;
  event: 'image.done';
  data: Record<string, unknown>;
  /** base64 image, for hooks that include it */
  image?: string;
  filename?: string | null;
}
