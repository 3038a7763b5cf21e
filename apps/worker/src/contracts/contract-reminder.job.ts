import { Injectable, Logger } from '@nestjs/common';
import { ContractReminders } from '@platewise/domain';
import { AppConfig } from '@platewise/infra';
import { ScheduledJob } from '../schedule/scheduled-job';

export const CONTRACT_REMINDERS_QUEUE = 'contract-reminders';
/** How often contracts near or past their end are looked for (reminders are days apart). */
const REMIND_EVERY_MS = 3_600_000;

/** Reminds owners of contracts about to expire, or just expired, every hour (one worker each time). */
@Injectable()
export class ContractReminderJob extends ScheduledJob {
  private readonly logger = new Logger('ContractReminders');

  constructor(
    config: AppConfig,
    private readonly reminders: ContractReminders,
  ) {
    super(config, { queue: CONTRACT_REMINDERS_QUEUE, key: 'remind', everyMs: REMIND_EVERY_MS });
  }

  async run(now = new Date()): Promise<number> {
    const told = await this.reminders.run(now);
    if (told > 0) this.logger.log(`contract reminders sent: ${told}`);
    return told;
  }
}
