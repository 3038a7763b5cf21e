import { AppConfig, runScript } from '@platewise/infra';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { beatStep, leaveStep, recoverStep } from './handover';
import type { JobRunner, RecognitionJobObserver } from './handover-jobs';
import { WorkerHeartbeat } from './worker-presence';

type Settings = Pick<AppConfig, 'WORKER_CONCURRENCY' | 'WORKER_LOCK_MS'>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The worker's half of HandOverTransport: a worker listed with its lock, whose jobs a JobRunner
 * takes and answers (HandOverJobs in this thread, JobThread in the engine's). It renews its lock
 * every third of WORKER_LOCK_MS and, on the same beat, takes over the jobs of any worker whose lock
 * has expired (handover.ts); it says it is alive every second (WorkerHeartbeat). Closing stops
 * taking jobs, lets the active ones finish, then leaves the list.
 */
export class HandOverRecognitionWorker {
  readonly id = randomUUID();
  private running = false;
  private starting?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private heartbeat?: WorkerHeartbeat;
  private onFailed: (jobId: string | undefined, error: Error) => void = () => undefined;

  constructor(
    private readonly jobs: JobRunner,
    private readonly config: Settings,
    /** a connection with REDIS_PREFIX as its key prefix */
    private readonly redis: Redis,
    private readonly observer?: Pick<RecognitionJobObserver, 'failed'>,
  ) {}

  start(onFailed: (jobId: string | undefined, error: Error) => void): void {
    this.onFailed = onFailed;
    this.running = true;
    this.timer = setInterval(
      () => void this.beat(),
      Math.max(100, Math.floor(this.config.WORKER_LOCK_MS / 3)),
    );
    this.timer.unref();
    this.heartbeat = new WorkerHeartbeat(this.redis, this.id);
    this.heartbeat.start();
    this.starting = this.listed().then(() => {
      if (this.running) this.jobs.start(this.id, onFailed);
    });
  }

  /** Listed with a lock before it holds any job, so a job of its is never out of sight. */
  private async listed(): Promise<void> {
    while (this.running && !(await this.beat())) await sleep(500);
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

  /** Stops taking jobs and lets the active ones finish; then no longer counts as alive. */
  async close(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.starting;
    await this.jobs.close();
    clearInterval(this.timer);
    await runScript(this.redis, leaveStep(this.id)).catch(() => undefined);
    await this.heartbeat?.stop();
  }
}
