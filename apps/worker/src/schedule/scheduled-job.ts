import { BeforeApplicationShutdown, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig, closeQueue, queueOptions } from '@platewise/infra';
import { Queue, Worker } from 'bullmq';

/**
 * Work run at start and every `everyMs` by one of however many workers run: a BullMQ job
 * scheduler on a queue of its own (`queue`), its job `key`, and this process's worker on it,
 * started and stopped with the application. A job extends it and says what it does in `run`.
 */
export abstract class ScheduledJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private queue?: Queue;
  private worker?: Worker;

  protected constructor(
    private readonly config: AppConfig,
    private readonly plan: { queue: string; key: string; everyMs: number },
  ) {}

  /** One run (also called by tests with another `now`). */
  abstract run(now?: Date): Promise<unknown>;

  async onApplicationBootstrap(): Promise<void> {
    const { queue, key, everyMs } = this.plan;
    this.queue = new Queue(queue, queueOptions(this.config));
    await this.queue.upsertJobScheduler(
      key,
      { every: everyMs },
      { name: key, opts: { removeOnComplete: true, removeOnFail: 10 } },
    );
    this.worker = new Worker(queue, () => this.run(), queueOptions(this.config));
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.worker) await closeQueue(this.worker);
    if (this.queue) await closeQueue(this.queue);
  }
}
