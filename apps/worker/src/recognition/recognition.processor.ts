import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { AppConfig, RedisService } from '@platewise/infra';
import { HandOverRecognitionWorker, JobThread } from '@platewise/recognition';
import { WorkerMetrics } from '../metrics/worker-metrics';

/**
 * Runs the queue's recognition jobs with one engine per process (models loaded once). The jobs
 * are taken, read and answered in the engine's thread (JobThread), each answer straight to the
 * waiting gateway, which alone delivers it further (webhooks, read history) once it counted the
 * call; this thread keeps the worker's lock and heartbeat, health and metrics, however long a
 * read takes, and stops a read past ENGINE_READ_TIMEOUT_MS.
 */
@Injectable()
export class RecognitionProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Recognition');
  private worker?: HandOverRecognitionWorker;

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisService,
    private readonly metrics: WorkerMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const started = Date.now();
    const jobs = await JobThread.open({
      config: this.config,
      engine: {
        threads: this.config.ENGINE_THREADS,
        device: this.config.ENGINE_DEVICE,
        modelsDir: this.config.PLATEWISE_MODELS_DIR,
        recognizer: this.config.ENGINE_RECOGNIZER,
        maxPixels: this.config.ENGINE_MAX_PIXELS,
      },
      redis: this.redis,
      observer: this.metrics,
      onPhase: (phase, ms) => this.metrics.enginePhase.observe({ phase }, ms / 1000),
      onReplaced: (reason) => this.metrics.engineRestarts.inc({ reason }),
    });
    this.logger.log(`models loaded in ${Date.now() - started} ms`);
    this.metrics.modelLoadSeconds.set((Date.now() - started) / 1000);
    this.metrics.modelsLoaded.set(1);
    this.worker = new HandOverRecognitionWorker(jobs, this.config, this.redis, this.metrics);
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
  }
}
