import type { EngineOptions } from '@platewise/engine';
import type { AppConfig } from '@platewise/infra';
import type { RecognitionJobObserver } from '../handover-jobs';

/** The settings the job thread uses: the job queue's and the engine's. */
export type JobThreadSettings = Pick<
  AppConfig,
  'REDIS_URL' | 'REDIS_PREFIX' | 'WORKER_CONCURRENCY'
>;

/** What the job thread is started with (workerData). */
export interface JobThreadInit {
  config: JobThreadSettings;
  engine: EngineOptions;
  /** ms since the epoch each slot's job began at, 0 while the slot is free (BigInt64Array) */
  slotClock: SharedArrayBuffer;
  /** a module whose `createEngine` the thread uses instead of the engine's (tests) */
  engineModule?: string;
}

/**
 * Main thread → job thread. `stop`: exit now, dropping the jobs in progress (a read past the time
 * limit); the main thread fails them.
 */
export type JobThreadCommand =
  { type: 'start'; worker: string } | { type: 'close' } | { type: 'stop' };

/**
 * What the main thread hears of the jobs, sent in batches after the answers they follow: engine
 * phases and job outcomes for the metrics, errors for the log.
 */
export type JobEvent =
  | { kind: 'phase'; phase: string; ms: number }
  | {
      kind: 'ended';
      mode: string;
      outcome: Parameters<RecognitionJobObserver['ended']>[1];
      seconds: number;
    }
  | { kind: 'failed'; reason: Parameters<RecognitionJobObserver['failed']>[0] }
  | { kind: 'error'; jobId?: string; message: string };

/** Job thread → main thread. */
export type JobThreadMessage =
  | { type: 'ready'; loadTimeMs: number }
  | { type: 'load-failed'; message: string }
  | { type: 'events'; events: JobEvent[] }
  | { type: 'closed' };
