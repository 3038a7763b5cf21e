import {
  GatewayTimeoutException,
  HttpException,
  Injectable,
  OnApplicationShutdown,
  OnModuleInit,
  ServiceUnavailableException,
} from '@nestjs/common';
import {
  AppConfig,
  queueOptions,
  RECOGNITION_QUEUE,
  recognitionImageKey,
  RecognitionJob,
  RecognitionRefusal,
  RecognitionReply,
  RedisService,
} from '@platewise/domain';
import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { Job, Queue } from 'bullmq';
import { MetricsService } from '../metrics/metrics.service';
import { ServerTiming } from '../metrics/server-timing';

const RETRY_SECONDS = 5;

class TimedOut extends Error {}

const retryLater = (detail: string) =>
  new ServiceUnavailableException({ detail: `${detail} Retry in ${RETRY_SECONDS} seconds.`, retry_after: RETRY_SECONDS });

interface Waiter {
  resolve(reply: RecognitionReply): void;
  reject(error: Error): void;
}

/**
 * A synchronous call over the asynchronous queue: enqueue, then wait for a worker's answer. The
 * worker publishes the answer (or its last failure) on this gateway's own channel. The gateway
 * does not read BullMQ's event stream: it would wake it three or four times per call, and each
 * wake costs the call time on a busy or virtualised CPU. A job that nobody answers (no worker,
 * or one that stalled on every attempt) ends in a 504 after RECOGNITION_TIMEOUT_MS.
 */
@Injectable()
export class RecognitionClient implements OnModuleInit, OnApplicationShutdown {
  private readonly queue: Queue<RecognitionJob>;
  /** The queue's connection (unprefixed keys), which also carries each job's image. */
  private readonly queueConnection: Redis;
  private readonly replies: Redis;
  private readonly replyTo: string;
  private readonly waiting = new Map<string, Waiter>();

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly redis: RedisService,
  ) {
    const options = queueOptions(config);
    // Not a blocking connection, so commands may fail after a few retries: with Redis down, a
    // call answers 503 instead of waiting for it forever.
    this.queueConnection = new Redis({ ...options.connection, maxRetriesPerRequest: 2 });
    this.queue = new Queue(RECOGNITION_QUEUE, { ...options, connection: this.queueConnection });
    // Connected in onModuleInit: subscribing before the connection's ready check has passed
    // breaks that check ("Connection in subscriber mode").
    this.replies = redis.duplicate({ lazyConnect: true });
    // Channels are not keys, so REDIS_PREFIX is added by hand.
    this.replyTo = `${config.REDIS_PREFIX}replies:${randomUUID()}`;
  }

  async onModuleInit(): Promise<void> {
    this.replies.on('message', (_channel: string, message: string) => {
      const reply = JSON.parse(message) as RecognitionReply;
      this.waiting.get(reply.jobId)?.resolve(reply);
    });
    await this.replies.connect();
    await this.replies.subscribe(this.replyTo);
  }

  /** After the HTTP server stopped, so calls still in flight get their answers. */
  async onApplicationShutdown(): Promise<void> {
    await this.replies.quit();
    await this.queue.close();
    await this.queueConnection.quit();
  }

  /** Jobs per state, for the metrics endpoint. */
  queueCounts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
  }

  /** The worker's Snapshot response; throws the HTTP error to answer otherwise. */
  async recognise(
    image: Buffer,
    call: Omit<RecognitionJob, 'imageKey' | 'replyTo'>,
    timing = new ServerTiming(),
  ): Promise<Record<string, unknown>> {
    const imageKey = recognitionImageKey(randomUUID());
    // Outlives the wait by a worker lock, so a job taken over after a crash still finds it.
    const ttl = this.config.RECOGNITION_TIMEOUT_MS + this.config.WORKER_LOCK_MS * 2;
    // Written on the queue's own connection right before the job is added: Redis runs one
    // connection's commands in order, so no worker can take the job before its image exists,
    // and the job does not wait for this reply first (one round trip less per call).
    const stored = this.queueConnection.set(`${this.config.REDIS_PREFIX}${imageKey}`, image, 'PX', ttl);
    return this.run({ ...call, imageKey, replyTo: this.replyTo }, stored, timing);
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

  private async run(data: RecognitionJob, stored: Promise<unknown>, timing: ServerTiming): Promise<Record<string, unknown>> {
    const started = performance.now();
    const jobId = randomUUID();
    // Listen before the job exists: a fast worker may answer before add() returns.
    const answer = this.wait(jobId);
    const added = this.queue.add('read', data, {
      jobId,
      // Delete jobs as soon as they end, whatever the outcome.
      removeOnComplete: true,
      removeOnFail: true,
      attempts: 2,
    });
    const [image, enqueued] = await Promise.allSettled([stored, added]);
    const failure = [image, enqueued].find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      // A job without its image must not run: it is dropped before the call fails.
      if (enqueued.status === 'fulfilled') await enqueued.value.remove().catch(() => undefined);
      this.dropImage(data.imageKey);
      this.waiting.get(jobId)?.reject(failure.reason as Error);
      await answer.catch(() => undefined);
      this.metrics.recognitions.inc({ outcome: 'failed' });
      throw retryLater('The recognition queue is unavailable; the call was not counted.');
    }
    const job = (enqueued as PromiseFulfilledResult<Job<RecognitionJob>>).value;
    let outcome: RecognitionReply['outcome'];
    try {
      const reply = await answer;
      outcome = reply.outcome;
      // queue: hand-over both ways (enqueue, pick-up, reply); worker: its work around the engine.
      const engineMs = 'processing_time' in outcome ? Number(outcome.processing_time) : 0;
      timing.add('queue', performance.now() - started - reply.workerMs);
      timing.add('worker', reply.workerMs - engineMs);
      timing.add('engine', engineMs);
    } catch (error) {
      if (!(error instanceof TimedOut)) throw error;
      this.metrics.recognitions.inc({ outcome: 'timeout' });
      // Nobody took it in time: drop it so it is not read (and webhooked) after we answered.
      await job.remove().catch(() => undefined);
      this.dropImage(data.imageKey);
      throw new GatewayTimeoutException({
        detail: `No recognition worker answered within ${Math.round(this.config.RECOGNITION_TIMEOUT_MS / 1000)} s. Retry in ${RETRY_SECONDS} seconds.`,
        retry_after: RETRY_SECONDS,
      });
    }
    if ('failed' in outcome) {
      this.metrics.recognitions.inc({ outcome: 'failed' });
      throw retryLater('Recognition failed on our side; the call was not counted.');
    }
    if ('refused' in outcome) {
      this.metrics.recognitions.inc({ outcome: 'refused' });
      const { status, detail } = (outcome as RecognitionRefusal).refused;
      throw new HttpException({ detail }, status);
    }
    this.metrics.recognitions.inc({ outcome: 'served' });
    return outcome;
  }
}
