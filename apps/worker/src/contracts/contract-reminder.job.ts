import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { ContractReminders } from '@platewise/domain';
import { AppConfig, closeQueue, queueOptions } from '@platewise/infra';
import { Queue, Worker } from 'bullmq';

export const CONTRACT_REMINDERS_QUEUE = 'contract-reminders';
/** How often contracts near or past their end are looked for (reminders are days apart). */
const REMIND_EVERY_MS = 3_600_000;

/**
 * Reminds owners of contracts about to expire, or just expired, at start and every hour: a
 * BullMQ job scheduler, so however many workers run, one of them looks each time.
 */
@Injectable()
export class ContractReminderJob implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ContractReminders');
  private queue?: Queue;
  private worker?: Worker;

  constructor(
    private readonly config: AppConfig,
    private readonly reminders: ContractReminders,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.queue = new Queue(CONTRACT_REMINDERS_QUEUE, queueOptions(this.config));
    await this.queue.upsertJobScheduler(
      'remind',
      { every: REMIND_EVERY_MS },
      { name: 'remind', opts: { removeOnComplete: true, removeOnFail: 10 } },
    );
    this.worker = new Worker(
      CONTRACT_REMINDERS_QUEUE,
      async () => this.run(),
      queueOptions(this.config),
    );
  }

  async run(now = new Date()): Promise<number> {
    const told = await this.reminders.run(now);
    if (told > 0) this.logger.log(`contract reminders sent: ${told}`);
    return told;
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (this.worker) await closeQueue(this.worker);
    if (this.queue) await closeQueue(this.queue);
  }
}
