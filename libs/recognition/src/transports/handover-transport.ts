import { QuotaRefusedError } from '@platewise/domain';
import { AppConfig, connectRedis, runScript } from '@platewise/infra';
import type Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { isRedaction, RecognitionCall, RecognitionReply } from '../contract';
import { RETRY_SECONDS } from '../errors';
import { cancelJob, encodeJob, handOverStep, RecognitionQueue } from './handover';
import type { RecognitionTransport, TakeSlot, TransportResult } from './transport';
import { WorkerPresence } from './worker-presence';

type Settings = Pick<
  AppConfig,
  'REDIS_URL' | 'REDIS_PREFIX' | 'RECOGNITION_TIMEOUT_MS' | 'WORKER_LOCK_MS'
>;

class TimedOut extends Error {}
/** The wait ended without an answer for a reason other than time: no worker left, or the reply channel dropped. */
class Abandoned extends Error {
  constructor(readonly reason: 'no_worker' | 'reply_lost') {
    super(reason);
  }
}

const ABANDONED_DETAIL = {
  no_worker: 'No recognition worker is running',
  reply_lost: 'The connection to the recognition queue was lost',
} as const;
const abandoned = (reason: Abandoned['reason']) =>
  `${ABANDONED_DETAIL[reason]}; the call was not counted. Retry in ${RETRY_SECONDS} seconds.`;
const QUEUE_UNAVAILABLE = `The recognition queue is unavailable; the call was not counted. Retry in ${RETRY_SECONDS} seconds.`;

interface Waiter {
  resolve(reply: RecognitionReply): void;
  reject(error: Error): void;
}

/**
 * Queues the job with its image as one element of the Redis list a worker takes it from (see
 * handover.ts), then waits for the worker's answer on this process's own channel: four one-way
 * trips between processes for an upload whose quota slot is taken in the same script (TakeSlot).
 * A job that nobody answers ends as `timeout` after RECOGNITION_TIMEOUT_MS and is taken out of
 * the queue; calls end at once, as `no_worker`, when no worker is alive (WorkerPresence), and as
 * `reply_lost` when the reply channel's connection drops, since an answer published meanwhile is
 * gone for good.
 */
export class HandOverTransport implements RecognitionTransport {
  private readonly replies: Redis;
  private readonly replyTo: string;
  private readonly waiting = new Map<string, Waiter>();
  private readonly presence: WorkerPresence;
  readonly queue: RecognitionQueue;

  constructor(
    private readonly config: Settings,
    /** a connection with REDIS_PREFIX as its key prefix (the quota's too: same order of commands) */
    private readonly redis: Redis,
  ) {
    // Connected in start(): subscribing before the connection's ready check has passed breaks
    // that check ("Connection in subscriber mode").
    this.replies = connectRedis(config.REDIS_URL, { lazyConnect: true }) as Redis;
    // Channels are not keys, so REDIS_PREFIX is added by hand.
    this.replyTo = `${config.REDIS_PREFIX}replies:${randomUUID()}`;
    this.presence = new WorkerPresence(redis, config.WORKER_LOCK_MS, () =>
      this.abandonAll('no_worker'),
    );
    this.queue = new RecognitionQueue(redis);
  }

  private abandonAll(reason: Abandoned['reason']): void {
    for (const waiter of [...this.waiting.values()]) waiter.reject(new Abandoned(reason));
  }

  async start(): Promise<void> {
    this.replies.on('message', (_channel: string, message: string) => {
      const reply = JSON.parse(message) as RecognitionReply;
      if (reply.imageKey) void this.withImage(reply, reply.imageKey);
      else this.waiting.get(reply.jobId)?.resolve(reply);
    });
    // ioredis reconnects and subscribes again by itself; what was published meanwhile is lost.
    this.replies.on('close', () => this.abandonAll('reply_lost'));
    await this.replies.connect();
    await this.replies.subscribe(this.replyTo);
    this.presence.start();
  }

  async close(): Promise<void> {
    this.presence.stop();
    await this.replies.quit();
  }

  /** Jobs per state, for the metrics endpoint. */
  queueCounts(): Promise<Record<string, number>> {
    return this.queue.counts();
  }

  /**
   * A redaction's reply: its image is taken from the key the worker wrote (and deleted, whether or
   * not the call still waits); a key gone or unreadable ends the call as a failure, uncounted.
   */
  private async withImage(reply: RecognitionReply, imageKey: string): Promise<void> {
    const waiter = this.waiting.get(reply.jobId);
    let bytes: Buffer | null = null;
    try {
      bytes = await this.redis.getdelBuffer(imageKey);
    } catch {
      // answered below as a failure
    }
    if (bytes && isRedaction(reply.outcome))
      waiter?.resolve({ ...reply, outcome: { ...reply.outcome, image: bytes.toString('base64') } });
    else
      waiter?.resolve({
        ...reply,
        outcome: { failed: 'the redacted image could not be read back from the queue' },
      });
  }

  /** The worker's reply (an answer, a refusal or its last failure); rejects when nobody answered in time. */
  private wait(jobId: string): Promise<RecognitionReply> {
    return new Promise<RecognitionReply>((resolve, reject) => {
      const timer = setTimeout(() => reject(new TimedOut()), this.config.RECOGNITION_TIMEOUT_MS);
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(jobId);
      };
      this.waiting.set(jobId, {
        resolve: (reply) => (done(), resolve(reply)),
        reject: (error) => (done(), reject(error)),
      });
    });
  }

  /** When no answer will be waited for: out of the queue unless a worker has it (then it runs). */
  private cancel(element: Buffer, jobId: string): Promise<unknown> {
    return cancelJob(this.redis, element, jobId).catch(() => undefined);
  }

  async submit(call: RecognitionCall, image: Buffer, slot?: TakeSlot): Promise<TransportResult> {
    if (await this.presence.noWorker())
      return { unavailable: 'no_worker', detail: abandoned('no_worker') };
    const started = performance.now();
    const jobId = randomUUID();
    const element = encodeJob(
      {
        id: jobId,
        replyTo: this.replyTo,
        // Past this nobody waits for the answer: a worker that takes the job later drops it.
        deadline: Date.now() + this.config.RECOGNITION_TIMEOUT_MS + this.config.WORKER_LOCK_MS,
        call,
      },
      image,
    );
    // Listen before the job exists: a fast worker may answer before the queueing returns.
    const answer = this.wait(jobId);
    // The wait can end (reply connection lost, timeout) while the job is still being queued,
    // before anything awaits it; a rejection nobody handles yet would end the process.
    answer.catch(() => undefined);
    const step = handOverStep(element);
    try {
      // With the slot: one script takes it and queues the job, or refuses and queues nothing.
      await (slot ? slot(step) : runScript(this.redis, step));
    } catch (error) {
      this.waiting.get(jobId)?.reject(error as Error);
      await answer.catch(() => undefined);
      // Redis may have run the script before the connection failed: the job must not run. (A
      // refused slot queued nothing.)
      if (!(error instanceof QuotaRefusedError)) void this.cancel(element, jobId);
      // A refusal of the slot (or Redis failing while it was taken) is the quota's to answer.
      if (slot) throw error;
      return { unavailable: 'queue_unavailable', detail: QUEUE_UNAVAILABLE };
    }
    const enqueueMs = performance.now() - started;
    try {
      const { outcome, workerMs, imageMs } = await answer;
      return { outcome, workerMs, imageMs, enqueueMs };
    } catch (error) {
      if (!(error instanceof TimedOut) && !(error instanceof Abandoned)) throw error;
      // Nobody took it in time: drop it so it is not read after we answered.
      await this.cancel(element, jobId);
      if (error instanceof Abandoned)
        return { unavailable: error.reason, detail: abandoned(error.reason) };
      const seconds = Math.round(this.config.RECOGNITION_TIMEOUT_MS / 1000);
      return {
        unavailable: 'timeout',
        detail: `No recognition worker answered within ${seconds} s. Retry in ${RETRY_SECONDS} seconds.`,
      };
    }
  }
}
