import {
  GatewayTimeoutException,
  HttpException,
  Injectable,
  OnModuleDestroy,
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
  RedisService,
} from '@platewise/domain';
import { randomUUID } from 'node:crypto';
import { Queue, QueueEvents } from 'bullmq';
import { MetricsService } from '../metrics/metrics.service';

const RETRY_SECONDS = 5;

/** A synchronous call over the asynchronous queue: enqueue, then wait for a worker's answer. */
@Injectable()
export class RecognitionClient implements OnModuleInit, OnModuleDestroy {
  private readonly queue: Queue<RecognitionJob>;
  private readonly events: QueueEvents;

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly redis: RedisService,
  ) {
    this.queue = new Queue(RECOGNITION_QUEUE, queueOptions(config));
    this.events = new QueueEvents(RECOGNITION_QUEUE, queueOptions(config));
  }

  async onModuleInit(): Promise<void> {
    await this.events.waitUntilReady();
  }

  async onModuleDestroy(): Promise<void> {
    await this.events.close();
    await this.queue.close();
  }

  /** Jobs per state, for the metrics endpoint. */
  queueCounts(): Promise<Record<string, number>> {
    return this.queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
  }

  /** The worker's Snapshot response; throws the HTTP error to answer otherwise. */
  async recognise(image: Buffer, call: Omit<RecognitionJob, 'imageKey'>): Promise<Record<string, unknown>> {
    const imageKey = recognitionImageKey(randomUUID());
    // Outlives the wait by a worker lock, so a job taken over after a crash still finds it.
    const ttl = this.config.RECOGNITION_TIMEOUT_MS + this.config.WORKER_LOCK_MS * 2;
    await this.redis.set(imageKey, image, 'PX', ttl);
    try {
      return await this.run({ ...call, imageKey });
    } finally {
      // Not awaited: the answer need not wait for the clean-up, and the key expires regardless.
      this.redis.del(imageKey).catch(() => undefined);
    }
  }

  private async run(data: RecognitionJob): Promise<Record<string, unknown>> {
    const job = await this.queue.add('read', data, {
      // Delete jobs as soon as they end, whatever the outcome.
      removeOnComplete: true,
      removeOnFail: true,
      attempts: 2,
    });
    let outcome: Record<string, unknown> | RecognitionRefusal;
    try {
      outcome = await job.waitUntilFinished(this.events, this.config.RECOGNITION_TIMEOUT_MS);
    } catch (error) {
      const timedOut = /timed out/i.test((error as Error).message);
      this.metrics.recognitions.inc({ outcome: timedOut ? 'timeout' : 'failed' });
      if (timedOut) {
        // Nobody took it in time: drop it so it is not read (and webhooked) after we answered.
        await job.remove().catch(() => undefined);
        throw new GatewayTimeoutException({
          detail: `No recognition worker answered within ${Math.round(this.config.RECOGNITION_TIMEOUT_MS / 1000)} s. Retry in ${RETRY_SECONDS} seconds.`,
          retry_after: RETRY_SECONDS,
        });
      }
      throw new ServiceUnavailableException({
        detail: `Recognition failed on our side; the call was not counted. Retry in ${RETRY_SECONDS} seconds.`,
        retry_after: RETRY_SECONDS,
      });
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
