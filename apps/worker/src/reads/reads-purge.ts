import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { ReadsService } from '@platewise/domain';
import { AppConfig, closeQueue, queueOptions } from '@platewise/infra';
import { Queue, Worker } from 'bullmq';

export const READS_PURGE_QUEUE = 'reads-purge';
/** How often reads past their account's retention are deleted. */
const PURGE_EVERY_MS = 3_600_000;

/**
 * Deletes reads past their account's retention once an hour: a BullMQ job scheduler, so however
 * many workers run, one of them purges each time.
 */
@Injectable()
export class ReadsPurge implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ReadsPurge');
  private queue?: Queue;
  private worker?: Worker;

  constructor(
    private readonly config: AppConfig,
    private readonly reads: ReadsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.queue = new Queue(READS_PURGE_QUEUE, queueOptions(this.config));
    await this.queue.upsertJobScheduler(
      'purge',
      { every: PURGE_EVERY_MS },
      { name: 'purge', opts: { removeOnComplete: true, removeOnFail: 10 } },
    );
    this.worker = new Worker(READS_PURGE_QUEUE, async () => this.run(), queueOptions(this.config));
  }

  async run(now = new Date()): Promise<number> {
    const removed = await this.reads.purge(now);
    if (removed > 0) this.logger.log(`${removed} reads past their retention deleted`);
    return removed;
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.worker) await closeQueue(this.worker);
    if (this.queue) await closeQueue(this.queue);
  }
}
