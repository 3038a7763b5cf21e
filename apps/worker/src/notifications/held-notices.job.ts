import { Injectable, Logger } from '@nestjs/common';
import { NotificationsService } from '@platewise/domain';
import { AppConfig } from '@platewise/infra';
import { ScheduledJob } from '../schedule/scheduled-job';

export const HELD_NOTICES_QUEUE = 'held-notices';
/**
 * How often held notices of confirmed addresses are looked for: there only when the queue refused
 * them as the address was confirmed (Redis away), so they come at most this much later. The look
 * is one query on the partial index of held notices, nearly always finding none.
 */
const SWEEP_EVERY_MS = 5 * 60_000;

/**
 * E-mails the notices still held for an address that is confirmed (NotificationsService.sweepHeld)
 * every few minutes and at start, one worker each time: a confirmation queues its held notices
 * once it has committed, and what the queue refused then stays held for this.
 */
@Injectable()
export class HeldNoticesJob extends ScheduledJob {
  private readonly logger = new Logger('HeldNotices');

  constructor(
    config: AppConfig,
    private readonly notifications: NotificationsService,
  ) {
    super(config, { queue: HELD_NOTICES_QUEUE, key: 'send-held', everyMs: SWEEP_EVERY_MS });
  }

  async run(now = new Date()): Promise<number> {
    const sent = await this.notifications.sweepHeld(now);
    if (sent > 0) this.logger.log(`held notices of confirmed addresses queued: ${sent}`);
    return sent;
  }
}
