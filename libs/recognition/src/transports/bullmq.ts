import { AppConfig, connectRedis, queuePrefix } from '@platewise/infra';
import { Job, Queue } from 'bullmq';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import {
  isRedaction,
  RECOGNITION_QUEUE,
  RecognitionCall,
  recognitionImageKey,
  RecognitionJob,
  RecognitionReply,
} from '../contract';
import { RETRY_SECONDS } from '../errors';
import type { RecognitionTransport, TransportResult } from './transport';
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

interface Waiter {
  resolve(reply: RecognitionReply): void;
  reject(error: Error): void;
}

/**
 * Enqueue, then wait for a worker's answer. The worker publishes the answer (or its last failure)
 * on this process's own channel. The event stream of BullMQ is not read: it would wake this
 * process three or four times per call, and each wake costs the call time on a busy or
 * virtualised CPU. A job that nobody answers (one that stalled on every attempt) ends as
 * `timeout` after RECOGNITION_TIMEOUT_MS; calls end at once, as `no_worker`, when no worker is
 * alive (WorkerPresence), and as `reply_lost` when the reply channel's connection drops, since
 * an answer published meanwhile is gone for good.
 */
export class BullMqTransport implements RecognitionTransport {
  private readonly queue: Queue<RecognitionJob>;
  /** The queue's connection (unprefixed keys), which also carries each job's image. */
  private readonly queueConnection: Redis;
  private readonly replies: Redis;
  private readonly replyTo: string;
  private readonly waiting = new Map<string, Waiter>();
  private readonly presence: WorkerPresence;

  constructor(
    private readonly config: Settings,
    /** a connection with REDIS_PREFIX as its key prefix */
    private readonly redis: Redis,
  ) {
    // Not a blocking connection, so commands may fail after a few retries: with Redis down, a
    // call is answered at once instead of waiting for it forever.
    this.queueConnection = connectRedis(config.REDIS_URL, { maxRetriesPerRequest: 2 }) as Redis;
    this.queue = new Queue(RECOGNITION_QUEUE, {
      prefix: queuePrefix(config),
      connection: this.queueConnection,
    });
    // Connected in start(): subscribing before the connection's ready check has passed breaks
    // that check ("Connection in subscriber mode").
    this.replies = connectRedis(config.REDIS_URL, { lazyConnect: true }) as Redis;
    // Channels are not keys, so REDIS_PREFIX is added by hand.
    this.replyTo = `${config.REDIS_PREFIX}replies:${randomUUID()}`;
    this.presence = new WorkerPresence(redis, config.WORKER_LOCK_MS, () =>
      this.abandonAll('no_worker'),
    );
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
    await this.queue.close();
    await this.queueConnection.quit();
  }

  /** Jobs per state, for the metrics endpoint. */
  queueCounts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
  }

  async submit(call: RecognitionCall, image: Buffer): Promise<TransportResult> {
    if (await this.presence.noWorker())
      return { unavailable: 'no_worker', detail: abandoned('no_worker') };
    const imageKey = recognitionImageKey(randomUUID());
    // Outlives the wait by a worker lock, so a job taken over after a crash still finds it.
    const ttl = this.config.RECOGNITION_TIMEOUT_MS + this.config.WORKER_LOCK_MS * 2;
    // Written on the queue's own connection right before the job is added: Redis runs one
    // connection's commands in order, so no worker can take the job before its image exists,
    // and the job does not wait for this reply first (one round trip less per call).
    const stored = this.queueConnection.set(
      `${this.config.REDIS_PREFIX}${imageKey}`,
      image,
      'PX',
      ttl,
    );
    return this.run({ ...call, imageKey, replyTo: this.replyTo }, stored);
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

  /** When no worker answered: a worker that answers deletes the image itself, with its answer. */
  private dropImage(imageKey: string): void {
    // Not awaited: the answer need not wait for the clean-up, and the key expires regardless.
    this.redis.del(imageKey).catch(() => undefined);
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

  private async run(data: RecognitionJob, stored: Promise<unknown>): Promise<TransportResult> {
    const jobId = randomUUID();
    // Listen before the job exists: a fast worker may answer before add() returns.
    const answer = this.wait(jobId);
    // The wait can end (reply connection lost, timeout) while the job is still being added, before
    // anything awaits it; a rejection nobody handles yet would end the process. Awaited below.
    answer.catch(() => undefined);
    const added = this.queue.add('read', data, {
      jobId,
      // Delete jobs as soon as they end, whatever the outcome.
      removeOnComplete: true,
      removeOnFail: true,
      attempts: 2,
    });
    const [image, enqueued] = await Promise.allSettled([stored, added]);
    const failure = [image, enqueued].find(
      (r): r is PromiseRejectedResult => r.status === 'rejected',
    );
    if (failure) {
      // A job without its image must not run: it is dropped before the call fails.
      if (enqueued.status === 'fulfilled') await enqueued.value.remove().catch(() => undefined);
      this.dropImage(data.imageKey);
      this.waiting.get(jobId)?.reject(failure.reason as Error);
      await answer.catch(() => undefined);
      const detail = `The recognition queue is unavailable; the call was not counted. Retry in ${RETRY_SECONDS} seconds.`;
      return { unavailable: 'queue_unavailable', detail };
    }
    const job = (enqueued as PromiseFulfilledResult<Job<RecognitionJob>>).value;
    try {
      const { outcome, workerMs } = await answer;
      return { outcome, workerMs };
    } catch (error) {
      if (!(error instanceof TimedOut) && !(error instanceof Abandoned)) throw error;
      // Nobody took it in time: drop it so it is not read (and webhooked) after we answered.
      await job.remove().catch(() => undefined);
      this.dropImage(data.imageKey);
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
