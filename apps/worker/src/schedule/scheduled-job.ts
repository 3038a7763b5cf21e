import { AppConfig, closeQueue, queueOptions } from '@platewise/infra';
import { Queue, Worker } from 'bullmq';

/**
 * Work run at start and every `everyMs` by one of however many workers run: a BullMQ job
 * scheduler on a queue of its own (`queue`), its job `key`, and this process's worker on it.
 */
export class ScheduledJob {
  private queue?: Queue;
  private worker?: Worker;

  constructor(
    private readonly config: AppConfig,
    private readonly plan: { queue: string; key: string; everyMs: number },
    private readonly work: () => Promise<unknown>,
  ) {}

  async start(): Promise<void> {
    const { queue, key, everyMs } = this.plan;
    this.queue = new Queue(queue, queueOptions(this.config));
    await this.queue.upsertJobScheduler(
      key,
      { every: everyMs },
      { name: key, opts: { removeOnComplete: true, removeOnFail: 10 } },
    );
    this.worker = new Worker(queue, () => this.work(), queueOptions(this.config));
  }

  async stop(): Promise<void> {
    if (this.worker) await closeQueue(this.worker);
    if (this.queue) await closeQueue(this.queue);
  }
}
