import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { ReadsService } from '@platewise/domain';
import { AppConfig } from '@platewise/infra';
import { ScheduledJob } from '../schedule/scheduled-job';

export const READS_PURGE_QUEUE = 'reads-purge';
/** How often reads past their account's retention are deleted. */
const PURGE_EVERY_MS = 3_600_000;

/** Deletes reads past their account's retention once an hour (one worker each time). */
@Injectable()
export class ReadsPurge implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ReadsPurge');
  private readonly schedule: ScheduledJob;

  constructor(
    config: AppConfig,
    private readonly reads: ReadsService,
  ) {
    this.schedule = new ScheduledJob(
      config,
      { queue: READS_PURGE_QUEUE, key: 'purge', everyMs: PURGE_EVERY_MS },
      () => this.run(),
    );
  }

  onApplicationBootstrap(): Promise<void> {
    return this.schedule.start();
  }

  async run(now = new Date()): Promise<number> {
    const removed = await this.reads.purge(now);
    if (removed > 0) this.logger.log(`${removed} reads past their retention deleted`);
    return removed;
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.schedule.stop();
  }
}
