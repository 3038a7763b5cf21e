/** Webhook deliveries: worker → target URLs, retried with backoff. */
export const WEBHOOK_QUEUE = 'webhooks';

export interface WebhookJob {
  webhookId: number;
  /**
   * `image.done`: a plate-reader result; `image.redacted`: a redaction's JSON form (the redacted
   * image inside, never the original); `stream.event`: a vehicle passage from a stream process;
   * `webhook.test`: the sample event an owner sends from the dashboard; `watchlist.match`: a read
   * of a watched plate (data: the entry and the read)
   */
  event: 'image.done' | 'image.redacted' | 'stream.event' | 'webhook.test' | 'watchlist.match';
  data: Record<string, unknown>;
  /** base64 image, for hooks that include it */
  image?: string;
  filename?: string | null;
}
