import type { EngineOptions } from '@platewise/engine';
import { EngineRestartedError, EngineTimeoutError } from '@platewise/engine/config';
import { runScript } from '@platewise/infra';
import type Redis from 'ioredis';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { decodeJob, QUEUE_KEYS } from '../handover';
import { failJob, jobMode, type JobRunner, type RecognitionJobObserver } from '../handover-jobs';
import type {
  JobEvent,
  JobThreadCommand,
  JobThreadInit,
  JobThreadMessage,
  JobThreadSettings,
} from './messages';

export interface JobThreadOptions {
  config: JobThreadSettings & { ENGINE_READ_TIMEOUT_MS: number };
  engine: EngineOptions;
  /** a connection with REDIS_PREFIX as its key prefix: fails the jobs of a thread stopped */
  redis: Redis;
  observer?: RecognitionJobObserver;
  onPhase?(phase: string, ms: number): void;
  /** the thread was replaced: a read ran past the time limit, or the thread died on its own */
  onReplaced?(reason: ThreadReplaced): void;
  /** the thread's script; default: entry.js beside this file (the built library) */
  entry?: string;
  /** a module whose `createEngine` the thread uses (tests: an engine that hangs or crashes) */
  engineModule?: string;
}

/** Why a job thread was replaced (the worker's `platewise_worker_engine_restarts_total`). */
export type ThreadReplaced = 'time_limit' | 'thread_died';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * How long a thread told to stop has to exit by itself before it is terminated: it exits at its
 * next turn of the event loop, which a read reaches between two model runs (40–80 ms after being
 * told, measured on the 2-vCPU development machine with 4K photos); a read that does not is in a
 * loop of its own, which only termination stops.
 */
const STOP_GRACE_MS = 2000;

/**
 * A worker's jobs run in the engine's thread: taken, read and answered there (entry.ts), so an
 * answer crosses no thread. This thread keeps what must go on however long a read takes — the
 * worker's lock and heartbeat (HandOverRecognitionWorker), health, metrics —
 * and the engine's time limit: a job past ENGINE_READ_TIMEOUT_MS is failed as `engine_timeout`
 * (not retried) and the thread replaced: told to stop, then terminated if it has not within
 * STOP_GRACE_MS (a synchronous loop can only be stopped so); the other jobs it held fail as
 * retriable, like those of a thread that died on its own.
 */
export class JobThread implements JobRunner {
  /** ms the engine took to load its models in the thread (the last one started) */
  loadTimeMs = 0;
  private thread!: Worker;
  private worker?: string;
  private onFailed: (jobId: string | undefined, error: Error) => void = () => undefined;
  private readonly clock: BigInt64Array;
  private watch?: NodeJS.Timeout;
  private closing = false;
  private closed?: () => void;
  /** the thread replaced or closed: set while the jobs it left are being failed */
  private replacing?: Promise<void>;

  private constructor(private readonly options: JobThreadOptions) {
    const slots = options.config.WORKER_CONCURRENCY;
    this.clock = new BigInt64Array(new SharedArrayBuffer(8 * slots));
  }

  /** A thread with its engine loaded (a load failure rejects). */
  static async open(options: JobThreadOptions): Promise<JobThread> {
    const jobs = new JobThread(options);
    await jobs.spawn();
    return jobs;
  }

  start(worker: string, onFailed: (jobId: string | undefined, error: Error) => void): void {
    this.worker = worker;
    this.onFailed = onFailed;
    this.begin();
  }

  /** Tells the thread to take jobs and watches them against the time limit. */
  private begin(): void {
    this.command({ type: 'start', worker: this.worker! });
    const limit = this.options.config.ENGINE_READ_TIMEOUT_MS;
    this.watch = setInterval(() => this.check(), Math.min(250, Math.max(10, limit / 8)));
  }

  /** Lets the thread finish its jobs (still under the time limit), then stops it. */
  async close(): Promise<void> {
    this.closing = true;
    await this.replacing;
    if (this.worker) {
      // Resolved by the thread's `closed`, or by its end if it dies or overruns meanwhile.
      const closed = new Promise<void>((resolve) => (this.closed = resolve));
      this.command({ type: 'close' });
      await closed;
      await this.replacing;
    }
    clearInterval(this.watch);
    await this.thread.terminate();
  }

  private command(command: JobThreadCommand): void {
    this.thread.postMessage(command);
  }

  /** Starts a thread and waits for its engine. */
  private spawn(): Promise<void> {
    const init: JobThreadInit = {
      config: {
        REDIS_URL: this.options.config.REDIS_URL,
        REDIS_PREFIX: this.options.config.REDIS_PREFIX,
        WORKER_CONCURRENCY: this.options.config.WORKER_CONCURRENCY,
      },
      engine: this.options.engine,
      slotClock: this.clock.buffer as SharedArrayBuffer,
      engineModule: this.options.engineModule,
    };
    const thread = new Worker(this.options.entry ?? join(__dirname, 'entry.js'), {
      workerData: init,
    });
    this.thread = thread;
    return new Promise<void>((resolve, reject) => {
      thread.on('message', (message: JobThreadMessage) => {
        if (message.type === 'ready') {
          this.loadTimeMs = message.loadTimeMs;
          resolve();
        } else if (message.type === 'load-failed') reject(new Error(message.message));
        else if (message.type === 'events') message.events.forEach((e) => this.dispatch(e));
        else this.closed?.();
      });
      thread.on('error', (error) => {
        reject(error);
        this.lost(thread, error.message);
      });
      thread.on('exit', (code) => {
        reject(new Error(`the job thread exited (code ${code}) before its engine loaded`));
        if (thread === this.thread) this.closed?.();
        this.lost(thread, `exit code ${code}`);
      });
    });
  }

  private dispatch(event: JobEvent): void {
    const { observer, onPhase } = this.options;
    if (event.kind === 'phase') onPhase?.(event.phase, event.ms);
    else if (event.kind === 'ended') observer?.ended(event.mode, event.outcome, event.seconds);
    else if (event.kind === 'failed') observer?.failed(event.reason);
    else this.onFailed(event.jobId, new Error(event.message));
  }

  /** A job past the time limit stops the thread. */
  private check(): void {
    if (this.replacing) return;
    const limit = this.options.config.ENGINE_READ_TIMEOUT_MS;
    const now = Date.now();
    for (let slot = 0; slot < this.clock.length; slot++) {
      const began = Number(Atomics.load(this.clock, slot));
      if (began > 0 && now - began > limit)
        return void this.replace(this.thread, 'time_limit', 'another read ran past the time limit');
    }
  }

  /**
   * The thread died on its own (a crash in native code, out of memory). Before it took jobs, its
   * start failed: that is open's to report.
   */
  private lost(thread: Worker, why: string): void {
    if (thread !== this.thread || !this.worker || this.replacing || this.closing) return;
    void this.replace(thread, 'thread_died', why);
  }

  /**
   * Stops the thread, fails the jobs it held (the one past the time limit for good, the others
   * retriable) and starts another, which takes any job Redis moved into a slot meanwhile.
   */
  private replace(thread: Worker, reason: ThreadReplaced, why: string): Promise<void> {
    this.options.onReplaced?.(reason);
    const at = Date.now();
    const replaced = (async () => {
      clearInterval(this.watch);
      // A thread that died is only waited for.
      await (reason === 'time_limit' ? this.stop(thread) : thread.terminate());
      await this.failLeftJobs(why, at);
      while (!this.closing) {
        try {
          await this.spawn();
          if (!this.closing) this.begin();
          return;
        } catch (error) {
          this.onFailed(undefined, error as Error);
          await sleep(1000);
        }
      }
    })().finally(() => (this.replacing = undefined));
    this.replacing = replaced;
    return replaced;
  }

  /**
   * Tells the thread to exit, which it does between two turns of its event loop; terminates it
   * past STOP_GRACE_MS. Terminating a thread inside a native call (ONNX Runtime's run) aborts
   * the whole process, so that is left for a thread stuck in JavaScript.
   */
  private stop(thread: Worker): Promise<void> {
    return new Promise<void>((resolve) => {
      // Resolved by the thread's exit, or by its termination (also if it died meanwhile).
      const overdue = setTimeout(
        () => void thread.terminate().then(() => resolve()),
        STOP_GRACE_MS,
      );
      thread.once('exit', () => {
        clearTimeout(overdue);
        resolve();
      });
      thread.postMessage({ type: 'stop' } satisfies JobThreadCommand);
    });
  }

  /**
   * `at`: when the thread was given up; a job is past the limit if it was then, not if it passed
   * the limit while a stuck thread was being stopped (it could not run meanwhile).
   */
  private async failLeftJobs(why: string, at: number): Promise<void> {
    const limit = this.options.config.ENGINE_READ_TIMEOUT_MS;
    const { redis, observer } = this.options;
    const now = Date.now();
    for (let slot = 0; slot < this.clock.length; slot++) {
      const began = Number(Atomics.exchange(this.clock, slot, 0n));
      if (began === 0) continue;
      const element = await retried(() =>
        redis.lindexBuffer(QUEUE_KEYS.active(this.worker!, slot), 0),
      );
      if (!element) continue;
      const { job } = decodeJob(element);
      const overran = at - began > limit;
      const error = overran ? new EngineTimeoutError(limit) : new EngineRestartedError(why);
      observer?.failed(overran ? 'engine_timeout' : 'engine_error');
      observer?.ended(jobMode(job.call), 'failed', (now - began) / 1000);
      const script = failJob(this.worker!, slot, job, error, overran, now - began);
      await retried(() => runScript(redis, script));
      this.onFailed(job.id, error);
    }
  }
}

/** A write that must happen once Redis is back (the slot's job is otherwise run again). */
async function retried<T>(write: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await write();
    } catch {
      await sleep(500);
    }
  }
}
