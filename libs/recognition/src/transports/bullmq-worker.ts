import { EngineTimeoutError } from '@platewise/engine/config';
import { AppConfig, closeQueue, queueOptions } from '@platewise/infra';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type Redis from 'ioredis';
import {
  isRedaction,
  RECOGNITION_QUEUE,
  RecognitionFailure,
  RecognitionJob,
  RecognitionReply,
  REDACTED_IMAGE_TTL_MS,
  redactedImageKey,
} from '../contract';
import type { RecognitionHandler } from '../handler';
import { WorkerHeartbeat } from './worker-presence';

type Settings = Pick<
  AppConfig,
  'REDIS_URL' | 'REDIS_PREFIX' | 'WORKER_CONCURRENCY' | 'WORKER_LOCK_MS'
>;

/** What a worker's metrics hear of its jobs (apps/worker's WorkerMetrics). */
export interface RecognitionJobObserver {
  /** one attempt ended: answered (served or refused), or failed on our side */
  ended(mode: string, outcome: 'served' | 'refused' | 'failed', seconds: number): void;
  /**
   * why an attempt failed on our side; `engine_timeout`: the image ran past the engine's time
   * limit; `stalled`: a job whose worker died, put back for another
   */
  failed(reason: 'image_expired' | 'engine_error' | 'engine_timeout' | 'stalled'): void;
}

/**
 * The worker's half of BullMqTransport: takes recognition jobs, runs the handler on each and
 * publishes the answer straight to the waiting gateway. A failure is published too once no
 * attempt is left, so the caller hears at once instead of waiting out its timeout.
 */
export class BullMqRecognitionWorker {
  private worker?: Worker<RecognitionJob>;
  private heartbeat?: WorkerHeartbeat;

  constructor(
    private readonly handler: RecognitionHandler,
    private readonly config: Settings,
    /** a connection with REDIS_PREFIX as its key prefix */
    private readonly redis: Redis,
    private readonly observer?: RecognitionJobObserver,
  ) {}

  start(onFailed: (jobId: string | undefined, error: Error) => void): void {
    this.worker = new Worker(RECOGNITION_QUEUE, (job) => this.process(job), {
      ...queueOptions(this.config as AppConfig),
      concurrency: this.config.WORKER_CONCURRENCY,
      lockDuration: this.config.WORKER_LOCK_MS,
      // Checked every half lock: a dead worker's job runs again within 1.5 locks. Twice, since
      // under repeated faults a job may lose a second worker before it is answered.
      stalledInterval: Math.max(1000, Math.floor(this.config.WORKER_LOCK_MS / 2)),
      maxStalledCount: 2,
    });
    this.worker.on('failed', (job, error) => onFailed(job?.id, error));
    // Redis going away is retried by the worker itself; only log it.
    this.worker.on('error', (error) => onFailed(undefined, error));
    this.worker.on('stalled', () => this.observer?.failed('stalled'));
    this.heartbeat = new WorkerHeartbeat(this.redis, randomUUID());
    this.heartbeat.start();
  }

  /** Stops taking jobs and lets the active ones finish; then no longer counts as alive. */
  async close(): Promise<void> {
    if (this.worker) await closeQueue(this.worker);
    await this.heartbeat?.stop();
  }

  async process(job: Job<RecognitionJob>): Promise<void> {
    const started = performance.now();
    const ended = (outcome: 'served' | 'refused' | 'failed') =>
      this.observer?.ended(
        job.data.redact ? 'redact' : String(job.data.config.mode ?? 'regular'),
        outcome,
        (performance.now() - started) / 1000,
      );
    let outcome: RecognitionReply['outcome'];
    try {
      const image = await this.redis.getBuffer(job.data.imageKey);
      // Gone only when the gateway stopped waiting long ago: nobody needs the answer any more.
      if (!image) throw new UnrecoverableError('the image expired before a worker took the job');
      outcome = await this.handler.handle(job.data, image);
    } catch (caught) {
      // An image that ran past the engine's time limit would do so again on another worker.
      const error =
        caught instanceof EngineTimeoutError ? new UnrecoverableError(caught.message) : caught;
      this.observer?.failed(
        caught instanceof EngineTimeoutError
          ? 'engine_timeout'
          : error instanceof UnrecoverableError
            ? 'image_expired'
            : 'engine_error',
      );
      ended('failed');
      const lastAttempt =
        error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      const failure: RecognitionFailure = { failed: (error as Error).message };
      if (caught instanceof EngineTimeoutError) failure.reason = 'engine_timeout';
      if (lastAttempt) await this.reply(job, failure, started).catch(() => undefined);
      throw error;
    }
    await this.reply(job, outcome, started);
    ended('refused' in outcome ? 'refused' : 'served');
    // Nothing is returned: the answer went out above, and a return value would be copied into
    // the job and the queue's event stream only to be deleted.
  }

  /**
   * The answer and the image's deletion in one write: nothing needs the image after this. A
   * redacted image goes into its own key in the same write, before the message that names it.
   */
  private async reply(
    job: Job<RecognitionJob>,
    outcome: RecognitionReply['outcome'],
    started: number,
  ): Promise<void> {
    const write = this.redis.multi();
    const reply: RecognitionReply = {
      jobId: job.id!,
      outcome,
      workerMs: performance.now() - started,
    };
    if (isRedaction(outcome)) {
      reply.imageKey = redactedImageKey(job.id!);
      reply.outcome = { ...outcome, image: '' };
      write.set(reply.imageKey, Buffer.from(outcome.image, 'base64'), 'PX', REDACTED_IMAGE_TTL_MS);
    }
    await write.publish(job.data.replyTo, JSON.stringify(reply)).del(job.data.imageKey).exec();
  }
}
