import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { createThreadedEngine, Engine } from '@platewise/engine';
import { AppConfig, RedisService } from '@platewise/infra';
import {
  HandOverRecognitionWorker,
  BullMqWebhookSink,
  RecognitionEngine,
  RecognitionHandler,
} from '@platewise/recognition';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { ReadRecorder } from '../reads/read-recorder';

/**
 * Runs the recognition handler on the queue's jobs, with one engine per process (models loaded
 * once); the handler answers the waiting gateway and queues one webhook delivery per target.
 */
@Injectable()
export class RecognitionProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Recognition');
  private engine?: Engine;
  private worker?: HandOverRecognitionWorker;
  private readonly webhooks: BullMqWebhookSink;

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisService,
    private readonly metrics: WorkerMetrics,
    private readonly reads: ReadRecorder,
  ) {
    this.webhooks = new BullMqWebhookSink(config);
    reads.sendEventsTo(this.webhooks);
  }

  async onApplicationBootstrap(): Promise<void> {
    const started = Date.now();
    // The engine reads in a thread of its own: lock renewal and heartbeats on this thread's
    // event loop keep running however long a read takes, so a slow job is never taken for a
    // dead worker's.
    const engine = await createThreadedEngine({
      readTimeoutMs: this.config.ENGINE_READ_TIMEOUT_MS,
      threads: this.config.ENGINE_THREADS,
      device: this.config.ENGINE_DEVICE,
      modelsDir: this.config.PLATEWISE_MODELS_DIR,
      recognizer: this.config.ENGINE_RECOGNIZER,
      maxPixels: this.config.ENGINE_MAX_PIXELS,
    });
    this.engine = engine;
    this.logger.log(`models loaded in ${Date.now() - started} ms`);
    this.metrics.modelLoadSeconds.set((Date.now() - started) / 1000);
    this.metrics.modelsLoaded.set(1);
    // The engine as the handler sees it, telling the metrics how long each phase took.
    const onPhase = (phase: string, ms: number) =>
      this.metrics.enginePhase.observe({ phase }, ms / 1000);
    const timed: RecognitionEngine = {
      read: (image, options) => engine.read(image, { ...options, onPhase }),
      redact: (image, options) => engine.redact(image, { ...options, onPhase }),
    };
    const handler = new RecognitionHandler(timed, this.webhooks, this.reads);
    this.worker = new HandOverRecognitionWorker(handler, this.config, this.redis, this.metrics);
    this.worker.start((jobId, error) =>
      this.logger.error(
        jobId ? `job ${jobId} failed: ${error.message}` : `queue: ${error.message}`,
      ),
    );
  }

  /**
   * Stops taking jobs and lets the active ones finish before the engine goes away; Redis and the
   * database close after this (onApplicationShutdown), so those jobs can still answer.
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    // Reads of the last jobs may still have watchlist events for the webhook queue.
    await this.reads.flush();
    await this.webhooks.close();
    await this.engine?.close();
  }
}
