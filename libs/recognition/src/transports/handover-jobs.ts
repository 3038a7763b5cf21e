import { EngineTimeoutError } from '@platewise/engine/config';
import { AppConfig, connectRedis, runScript, type ScriptCall } from '@platewise/infra';
import type Redis from 'ioredis';
import {
  isRedaction,
  RecognitionCall,
  RecognitionFailure,
  RecognitionReply,
  REDACTED_IMAGE_TTL_MS,
  redactedImageKey,
} from '../contract';
import type { RecognitionHandler } from '../handler';
import { decodeJob, doneStep, failStep, QUEUE_KEYS, QueuedJob } from './handover';

export type JobSettings = Pick<AppConfig, 'REDIS_URL' | 'REDIS_PREFIX' | 'WORKER_CONCURRENCY'>;

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

/** Where a worker's jobs run: in its own thread (HandOverJobs) or in the engine's (JobThread). */
export interface JobRunner {
  /** Starts taking jobs into the slots of `worker`, which is listed with its lock already. */
  start(worker: string, onFailed: (jobId: string | undefined, error: Error) => void): void;
  /** Stops taking jobs and lets the active ones finish. */
  close(): Promise<void>;
}

/** Seconds one BLMOVE waits before it is sent again (closing does not wait for it). */
const BLOCK_SECONDS = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Past its deadline nobody waits for the answer (the gateway's clock; see HandOverTransport). */
class Expired extends Error {}

/**
 * A worker's jobs, from the queue to their answers: takes each job with its image in one BLMOVE
 * from the queue into a slot of the worker's, runs the handler on it and publishes the answer
 * straight to the waiting gateway, emptying the slot in the same script. A failure with an attempt
 * left puts the job back at the front of the line; the last one is published, so the caller hears
 * at once. Closing stops taking jobs and lets the active ones finish. The worker's lock and
 * take-overs are HandOverRecognitionWorker's.
 */
export class HandOverJobs implements JobRunner {
  private worker = '';
  private blocking?: Redis;
  private running = false;
  private loop?: Promise<void>;
  private readonly busy = new Set<number>();
  private readonly jobs = new Set<Promise<void>>();
  private slotFreed?: () => void;
  private onFailed: (jobId: string | undefined, error: Error) => void = () => undefined;

  constructor(
    private readonly handler: RecognitionHandler,
    private readonly config: JobSettings,
    /** a connection with REDIS_PREFIX as its key prefix */
    private readonly redis: Redis,
    private readonly observer?: RecognitionJobObserver,
    /** told when a slot takes a job and when it is free again (JobThread's time limit) */
    private readonly slots?: { began(slot: number): void; freed(slot: number): void },
  ) {}

  start(worker: string, onFailed: (jobId: string | undefined, error: Error) => void): void {
    this.worker = worker;
    this.onFailed = onFailed;
    this.running = true;
    // Its own connection, blocked in BLMOVE while the queue is empty; kept across Redis outages.
    this.blocking = connectRedis(this.config.REDIS_URL, {
      keyPrefix: this.config.REDIS_PREFIX,
      maxRetriesPerRequest: null,
    }) as Redis;
    this.loop = this.takeLeftovers().then(() => this.take());
  }

  private freeSlot(): Promise<number> | number {
    for (let slot = 0; slot < this.config.WORKER_CONCURRENCY; slot++)
      if (!this.busy.has(slot)) return slot;
    return new Promise<void>((resolve) => (this.slotFreed = resolve)).then(() => this.freeSlot());
  }

  private async take(): Promise<void> {
    while (this.running) {
      const slot = await this.freeSlot();
      if (!this.running) break;
      try {
        const element = await this.blocking!.blmoveBuffer(
          QUEUE_KEYS.wait,
          QUEUE_KEYS.active(this.worker, slot),
          'RIGHT',
          'LEFT',
          BLOCK_SECONDS,
        );
        if (element) this.track(slot, element);
      } catch (error) {
        if (!this.running) break;
        this.onFailed(undefined, error as Error);
        await sleep(500);
      }
    }
  }

  /**
   * Runs the jobs already in this worker's free slots: one Redis moved there for a BLMOVE whose
   * connection was going away (on closing, or when the thread that sent it was replaced).
   */
  private async takeLeftovers(): Promise<void> {
    for (let slot = 0; slot < this.config.WORKER_CONCURRENCY; slot++) {
      if (this.busy.has(slot)) continue;
      const left = await this.redis
        .lindexBuffer(QUEUE_KEYS.active(this.worker, slot), 0)
        .catch(() => null);
      if (left) this.track(slot, left);
    }
  }

  private track(slot: number, element: Buffer): void {
    this.busy.add(slot);
    this.slots?.began(slot);
    const job: Promise<void> = this.process(slot, element)
      .catch((error: Error) => this.onFailed(undefined, error))
      .finally(() => {
        this.busy.delete(slot);
        this.jobs.delete(job);
        this.slots?.freed(slot);
        this.slotFreed?.();
      });
    this.jobs.add(job);
  }

  async close(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.slotFreed?.();
    // Ends a BLMOVE in flight; one Redis served meanwhile is found in its slot just below.
    this.blocking?.disconnect();
    await this.loop;
    await this.takeLeftovers();
    while (this.jobs.size > 0) await Promise.all([...this.jobs]);
  }

  /** One job, from its slot to its reply (or its failure, retried when an attempt is left). */
  private async process(slot: number, element: Buffer): Promise<void> {
    const started = performance.now();
    const { job, image } = decodeJob(element);
    const imageMs = performance.now() - started;
    const ended = (outcome: 'served' | 'refused' | 'failed') =>
      this.observer?.ended(jobMode(job.call), outcome, (performance.now() - started) / 1000);
    let outcome: RecognitionReply['outcome'];
    try {
      // Gone only when the gateway stopped waiting long ago: nobody needs the answer any more.
      if (Date.now() > job.deadline)
        throw new Expired('the image expired before a worker took the job');
      outcome = await this.handler.handle(job.call, image);
    } catch (caught) {
      // An image that ran past the engine's time limit would do so again on another worker.
      const final = caught instanceof EngineTimeoutError || caught instanceof Expired;
      this.observer?.failed(
        caught instanceof EngineTimeoutError
          ? 'engine_timeout'
          : caught instanceof Expired
            ? 'image_expired'
            : 'engine_error',
      );
      ended('failed');
      await this.write(
        failJob(this.worker, slot, job, caught as Error, final, performance.now() - started),
      );
      this.onFailed(job.id, caught as Error);
      return;
    }
    await this.reply(slot, job, outcome, started, imageMs);
    ended('refused' in outcome ? 'refused' : 'served');
  }

  /**
   * The answer, the slot emptied and, for a redaction, its image stored under its own key before
   * the message that names it, all in one script.
   */
  private reply(
    slot: number,
    job: QueuedJob,
    outcome: RecognitionReply['outcome'],
    started: number,
    imageMs: number,
  ): Promise<void> {
    const reply: RecognitionReply = {
      jobId: job.id,
      outcome,
      workerMs: performance.now() - started,
      imageMs,
    };
    let image: { key: string; bytes: Buffer; ttlMs: number } | undefined;
    if (isRedaction(outcome)) {
      reply.imageKey = redactedImageKey(job.id);
      reply.outcome = { ...outcome, image: '' };
      image = {
        key: reply.imageKey,
        bytes: Buffer.from(outcome.image, 'base64'),
        ttlMs: REDACTED_IMAGE_TTL_MS,
      };
    }
    return this.write(
      doneStep(this.worker, slot, job.id, job.replyTo, JSON.stringify(reply), image),
    );
  }

  /**
   * A job's last write, tried again while Redis is away (its slot is not taken again before it is
   * written); on closing at most 20 times, then the job is left for another worker to take over.
   */
  private async write(script: ScriptCall): Promise<void> {
    for (let tries = 1; ; tries++) {
      try {
        await runScript(this.redis, script);
        return;
      } catch (error) {
        if (!this.running && tries >= 20) throw error;
        await sleep(500);
      }
    }
  }
}

/** A job's mode as the metrics label it: `redact`, or the engine mode of a read. */
export const jobMode = (call: RecognitionCall): string =>
  call.redact ? 'redact' : String(call.config.mode ?? 'regular');

/**
 * The script that ends a failed attempt: retried unless `final` (or out of attempts), else its
 * failure published; `engine_timeout` named for an image past the engine's time limit.
 */
export function failJob(
  worker: string,
  slot: number,
  job: Pick<QueuedJob, 'id' | 'replyTo'>,
  error: Error,
  final: boolean,
  workerMs: number,
): ScriptCall {
  const failure: RecognitionFailure = { failed: error.message };
  if (error instanceof EngineTimeoutError) failure.reason = 'engine_timeout';
  const reply: RecognitionReply = { jobId: job.id, outcome: failure, workerMs };
  return failStep(worker, slot, job.id, final, job.replyTo, JSON.stringify(reply));
}
