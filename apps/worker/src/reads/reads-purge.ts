import { Injectable, Logger } from '@nestjs/common';
import { ReadsService } from '@platewise/domain';
import { AppConfig } from '@platewise/infra';
import { ScheduledJob } from '../schedule/scheduled-job';

export const READS_PURGE_QUEUE = 'reads-purge';
/** How often reads past their account's retention are deleted. */
const PURGE_EVERY_MS = 3_600_000;

/** Deletes reads past their account's retention once an hour (one worker each time). */
@Injectable()
export class ReadsPurge extends ScheduledJob {
  private readonly logger = new Logger('ReadsPurge');

  constructor(
    config: AppConfig,
    private readonly reads: ReadsService,
  ) {
    super(config, { queue: READS_PURGE_QUEUE, key: 'purge', everyMs: PURGE_EVERY_MS });
  }

  async run(now = new Date()): Promise<number> {
    const removed = await this.reads.purge(now);
    if (removed > 0) this.logger.log(`${removed} reads past their retention deleted`);
    return removed;
  }
}
