import { EngineTimeoutError } from '@platewise/engine/config';
import { AppConfig, connectRedis, runScript, type ScriptCall } from '@platewise/infra';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import {
  isRedaction,
  RecognitionFailure,
  RecognitionReply,
  REDACTED_IMAGE_TTL_MS,
  redactedImageKey,
} from '../contract';
import type { RecognitionHandler } from '../handler';
import {
  beatStep,
  decodeJob,
  doneStep,
  failStep,
  leaveStep,
  QUEUE_KEYS,
  QueuedJob,
  recoverStep,
} from './handover';
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

/** Seconds one BLMOVE waits before it is sent again (closing does not wait for it). */
const BLOCK_SECONDS = 5;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Past its deadline nobody waits for the answer (the gateway's clock; see HandOverTransport). */
class Expired extends Error {}

/**
 * The worker's half of HandOverTransport: takes each job with its image in one BLMOVE from the
 * queue into a slot of its own, runs the handler on it and publishes the answer straight to the
 * waiting gateway, emptying the slot in the same script. A failure with an attempt left puts the
 * job back at the front of the line; the last one is published, so the caller hears at once. The
 * worker renews its lock every third of WORKER_LOCK_MS and, on the same beat, takes over the jobs
 * of any worker whose lock has expired (handover.ts). Closing stops taking jobs and lets the
 * active ones finish.
 */
export class HandOverRecognitionWorker {
  private readonly id = randomUUID();
  private blocking?: Redis;
  private running = false;
  private loop?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private heartbeat?: WorkerHeartbeat;
  private readonly busy = new Set<number>();
  private readonly jobs = new Set<Promise<void>>();
  private slotFreed?: () => void;
  private onFailed: (jobId: string | undefined, error: Error) => void = () => undefined;

  constructor(
    private readonly handler: RecognitionHandler,
    private readonly config: Settings,
    /** a connection with REDIS_PREFIX as its key prefix */
    private readonly redis: Redis,
    private readonly observer?: RecognitionJobObserver,
  ) {}

  start(onFailed: (jobId: string | undefined, error: Error) => void): void {
    this.onFailed = onFailed;
    this.running = true;
    // Its own connection, blocked in BLMOVE while the queue is empty; kept across Redis outages.
    this.blocking = connectRedis(this.config.REDIS_URL, {
      keyPrefix: this.config.REDIS_PREFIX,
      maxRetriesPerRequest: null,
    }) as Redis;
    this.timer = setInterval(
      () => void this.beat(),
      Math.max(100, Math.floor(this.config.WORKER_LOCK_MS / 3)),
    );
    this.timer.unref();
    this.heartbeat = new WorkerHeartbeat(this.redis, this.id);
    this.heartbeat.start();
    this.loop = this.take();
  }

  /** Renews this worker's lock, then takes over the jobs of workers whose lock is gone. */
  private async beat(): Promise<boolean> {
    try {
      await runScript(
        this.redis,
        beatStep(this.id, this.config.WORKER_CONCURRENCY, this.config.WORKER_LOCK_MS),
      );
      const [moved, failed] = await runScript<number[]>(this.redis, recoverStep());
      for (let i = 0; i < moved + failed; i++) this.observer?.failed('stalled');
      return true;
    } catch (error) {
      this.onFailed(undefined, error as Error);
      return false;
    }
  }

  private freeSlot(): Promise<number> | number {
    for (let slot = 0; slot < this.config.WORKER_CONCURRENCY; slot++)
      if (!this.busy.has(slot)) return slot;
    return new Promise<void>((resolve) => (this.slotFreed = resolve)).then(() => this.freeSlot());
  }

  private async take(): Promise<void> {
    // Listed with a lock before it holds any job, so a job of its is never out of sight.
    while (this.running && !(await this.beat())) await sleep(500);
    while (this.running) {
      const slot = await this.freeSlot();
      if (!this.running) break;
      try {
        const element = await this.blocking!.blmoveBuffer(
          QUEUE_KEYS.wait,
          QUEUE_KEYS.active(this.id, slot),
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

  private track(slot: number, element: Buffer): void {
    this.busy.add(slot);
    const job: Promise<void> = this.process(slot, element)
      .catch((error: Error) => this.onFailed(undefined, error))
      .finally(() => {
        this.busy.delete(slot);
        this.jobs.delete(job);
        this.slotFreed?.();
      });
    this.jobs.add(job);
  }

  /** Stops taking jobs and lets the active ones finish; then no longer counts as alive. */
  async close(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.slotFreed?.();
    // Ends a BLMOVE in flight; one Redis served meanwhile is found in its slot just below.
    this.blocking?.disconnect();
    await this.loop;
    for (let slot = 0; slot < this.config.WORKER_CONCURRENCY; slot++) {
      if (this.busy.has(slot)) continue;
      const left = await this.redis
        .lindexBuffer(QUEUE_KEYS.active(this.id, slot), 0)
        .catch(() => null);
      if (left) this.track(slot, left);
    }
    while (this.jobs.size > 0) await Promise.all([...this.jobs]);
    clearInterval(this.timer);
    await runScript(this.redis, leaveStep(this.id)).catch(() => undefined);
    await this.heartbeat?.stop();
  }

  /** One job, from its slot to its reply (or its failure, retried when an attempt is left). */
  async process(slot: number, element: Buffer): Promise<void> {
    const started = performance.now();
    const { job, image } = decodeJob(element);
    const imageMs = performance.now() - started;
    const ended = (outcome: 'served' | 'refused' | 'failed') =>
      this.observer?.ended(
        job.call.redact ? 'redact' : String(job.call.config.mode ?? 'regular'),
        outcome,
        (performance.now() - started) / 1000,
      );
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
      const failure: RecognitionFailure = { failed: (caught as Error).message };
      if (caught instanceof EngineTimeoutError) failure.reason = 'engine_timeout';
      const reply: RecognitionReply = {
        jobId: job.id,
        outcome: failure,
        workerMs: performance.now() - started,
      };
      await this.write(failStep(this.id, slot, job.id, final, job.replyTo, JSON.stringify(reply)));
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
    return this.write(doneStep(this.id, slot, job.id, job.replyTo, JSON.stringify(reply), image));
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
