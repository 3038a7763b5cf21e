import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import {
  AppConfig,
  queueOptions,
  RECOGNITION_QUEUE,
  RecognitionJob,
  RecognitionRefusal,
  RecognitionReply,
  RedisService,
  WEBHOOK_QUEUE,
  WebhookJob,
} from '@platewise/domain';
import { createEngine, Engine, EngineConfigError, ImageDecodeError } from '@platewise/engine';
import { Job, Queue, UnrecoverableError, Worker } from 'bullmq';

/** Response version field of the Snapshot API. */
const SNAPSHOT_VERSION = 1;

/**
 * Runs recognition jobs with one engine per process (models loaded once), answers with the full
 * Snapshot response, and queues one webhook delivery per target of the account.
 */
@Injectable()
export class RecognitionProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Recognition');
  private engine?: Engine;
  private worker?: Worker<RecognitionJob>;
  private readonly webhooksQueue: Queue<WebhookJob>;

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisService,
  ) {
    this.webhooksQueue = new Queue(WEBHOOK_QUEUE, queueOptions(config));
  }

  async onApplicationBootstrap(): Promise<void> {
    const started = Date.now();
    this.engine = await createEngine({
      threads: this.config.ENGINE_THREADS,
      device: this.config.ENGINE_DEVICE,
      modelsDir: this.config.PLATEWISE_MODELS_DIR,
    });
    this.logger.log(`models loaded in ${Date.now() - started} ms`);
    this.worker = new Worker(RECOGNITION_QUEUE, (job) => this.process(job), {
      ...queueOptions(this.config),
      concurrency: this.config.WORKER_CONCURRENCY,
      lockDuration: this.config.WORKER_LOCK_MS,
      stalledInterval: Math.max(1000, Math.floor(this.config.WORKER_LOCK_MS / 2)),
    });
    this.worker.on('failed', (job, error) => this.logger.error(`job ${job?.id} failed: ${error.message}`));
  }

  /**
   * Stops taking jobs and lets the active ones finish before the engine goes away; Redis and the
   * database close after this (onApplicationShutdown), so those jobs can still answer.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    await this.webhooksQueue.close();
    await this.engine?.close();
  }

  /**
   * Reads the image and publishes the answer straight to the waiting gateway (see
   * RecognitionClient). A failure is published too once no attempt is left, so the caller gets
   * its 503 at once instead of waiting out its timeout.
   */
  async process(job: Job<RecognitionJob>): Promise<void> {
    const started = performance.now();
    let outcome: RecognitionReply['outcome'];
    try {
      outcome = await this.recognise(job);
    } catch (error) {
      const lastAttempt = error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      if (lastAttempt) await this.reply(job, { failed: (error as Error).message }, started).catch(() => undefined);
      throw error;
    }
    await this.reply(job, outcome, started);
    // Nothing is returned: the answer went out above, and a return value would be copied into
    // the job and the queue's event stream only to be deleted.
  }

  /** The answer and the image's deletion in one write: nothing needs the image after this. */
  private async reply(job: Job<RecognitionJob>, outcome: RecognitionReply['outcome'], started: number): Promise<void> {
    const reply: RecognitionReply = { jobId: job.id!, outcome, workerMs: performance.now() - started };
    await this.redis.multi().publish(job.data.replyTo, JSON.stringify(reply)).del(job.data.imageKey).exec();
  }

  private async recognise(job: Job<RecognitionJob>): Promise<Record<string, unknown> | RecognitionRefusal> {
    const { data } = job;
    const image = await this.redis.getBuffer(data.imageKey);
    // Gone only when the gateway stopped waiting long ago: nobody needs the answer any more.
    if (!image) throw new UnrecoverableError('the image expired before a worker took the job');
    let result;
    try {
      result = await this.engine!.read(image, {
        regions: data.regions,
        config: data.config,
        mmc: data.mmc,
      });
    } catch (error) {
      // Client errors are answers, not failures: no retry, no webhook.
      if (error instanceof ImageDecodeError) {
        return { refused: { status: error.reason === 'unsupported' ? 415 : 400, detail: error.message } };
      }
      if (error instanceof EngineConfigError) return { refused: { status: 400, detail: error.message } };
      throw error;
    }
    const response = {
      processing_time: result.processing_time,
      results: result.results,
      filename: data.filename,
      version: SNAPSHOT_VERSION,
      camera_id: data.camera_id,
      timestamp: data.timestamp,
    };
    await this.enqueueWebhooks(data, image, response);
    return response;
  }

  private async enqueueWebhooks(data: RecognitionJob, image: Buffer, response: Record<string, unknown>): Promise<void> {
    const hooks = data.webhooks;
    if (hooks.length === 0) return;
    await this.webhooksQueue.addBulk(
      hooks.map((hook) => ({
        name: 'image.done',
        data: {
          webhookId: hook.id,
          event: 'image.done' as const,
          data: response,
          // Deliveries outlive the call (retries with backoff), so they carry their own copy.
          ...(hook.includeImage ? { image: image.toString('base64'), filename: data.filename } : {}),
        },
        opts: {
          attempts: this.config.WEBHOOK_ATTEMPTS,
          backoff: { type: 'exponential', delay: this.config.WEBHOOK_BACKOFF_MS },
          removeOnComplete: true,
          removeOnFail: true,
        },
      })),
    );
  }
}
