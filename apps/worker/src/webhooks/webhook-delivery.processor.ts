import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { WEBHOOK_QUEUE, WebhookJob, WebhooksService } from '@platewise/domain';
import { AppConfig, closeQueue, queueOptions } from '@platewise/infra';
import { deliver, WEBHOOK_SIGNATURE_HEADER, webhookSignatureHeader } from '@platewise/safe-fetch';
import { Job, Worker } from 'bullmq';
import { WorkerMetrics } from '../metrics/worker-metrics';

/** The request body a target receives: JSON, or multipart with the image for hooks that want it. */
export async function webhookBody(
  hook: { id: number; target: string },
  job: WebhookJob,
): Promise<{ body: Buffer; contentType: string }> {
  const payload = JSON.stringify({
    hook: { target: hook.target, id: hook.id, event: job.event },
    data: job.data,
  });
  if (!job.image) return { body: Buffer.from(payload), contentType: 'application/json' };
  const form = new FormData();
  form.append('json', payload);
  form.append('upload', new Blob([Buffer.from(job.image, 'base64')]), job.filename ?? 'image.jpg');
  // Response serialises the form with its boundary, so no multipart library is needed.
  const encoded = new Response(form);
  return {
    body: Buffer.from(await encoded.arrayBuffer()),
    contentType: encoded.headers.get('content-type')!,
  };
}

/** Delivers webhook jobs; a failed attempt throws so BullMQ retries it with exponential backoff. */
@Injectable()
export class WebhookDeliveryProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WebhookDelivery');
  private worker?: Worker<WebhookJob>;

  constructor(
    private readonly config: AppConfig,
    private readonly webhooks: WebhooksService,
    private readonly metrics: WorkerMetrics,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new Worker(WEBHOOK_QUEUE, (job) => this.process(job), {
      ...queueOptions(this.config),
      concurrency: 8,
    });
  }

  /** Finishes deliveries in flight while the database is still open (see RecognitionProcessor). */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.worker) await closeQueue(this.worker);
  }

  async process(job: Job<WebhookJob>): Promise<void> {
    const hook = await this.webhooks.find(job.data.webhookId);
    if (!hook) return this.metrics.delivery('hook_gone'); // removed since the event: nothing to deliver
    const { body, contentType } = await webhookBody(hook, job.data);
    const started = Date.now();
    let status: number | null = null;
    let error: string | null = null;
    try {
      ({ status } = await deliver(hook.target, {
        body,
        headers: {
          'Content-Type': contentType,
          [WEBHOOK_SIGNATURE_HEADER]: webhookSignatureHeader(hook.secret, body),
          'User-Agent': 'platewise-webhooks/1',
        },
        timeoutMs: this.config.FETCH_TIMEOUT_MS,
        allowHosts: this.config.FETCH_ALLOW_HOSTS,
      }));
    } catch (e) {
      // deliver() throws for anything but a 2xx answer; `status` is set when the target answered.
      status = (e as { status?: number }).status ?? null;
      error = (e as Error).message;
    }
    const stillThere = await this.webhooks.recordAttempt(hook, {
      event: job.data.event,
      attempt: job.attemptsMade + 1,
      status,
      ok: error === null,
      error,
      durationMs: Date.now() - started,
    });
    this.metrics.delivery(error === null ? 'delivered' : stillThere ? 'failed' : 'removed');
    if (error && stillThere) throw new Error(error);
    if (error) this.logger.warn(`webhook ${hook.id} removed; dropping the rest of its retries`);
  }
}
