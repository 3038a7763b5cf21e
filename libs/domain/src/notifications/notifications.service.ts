import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig, closeQueue, Prisma, PrismaService, queueOptions } from '@platewise/infra';
import { Queue } from 'bullmq';
import { CONFIRMATION_JOB, ConfirmationJob, EMAIL_QUEUE, EmailJob } from './email-job';

export type NoticeKind =
  | 'quota.threshold'
  | 'webhook.failing'
  | 'webhook.removed'
  | 'watchlist.match'
  | 'contract.expiring'
  | 'contract.expired';

export interface Notice {
  kind: NoticeKind;
  subject: string;
  message: string;
  /** set for a notice sent at most once: a second one with the same key is dropped */
  dedupeKey?: string;
}

export interface NotificationView {
  accountId: string;
  kind: string;
  message: string;
  created: string;
}

/**
 * Notices to account owners: listed in the dashboard, and e-mailed to the account's address when
 * SMTP_URL is set and the address is confirmed (EmailConfirmationsService). The e-mail is a job on
 * EMAIL_QUEUE (the worker sends it, with retries), so the caller never waits for an SMTP server.
 */
@Injectable()
export class NotificationsService implements OnApplicationShutdown {
  private readonly logger = new Logger('Notifications');
  private queue?: Queue<EmailJob | ConfirmationJob>;

  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Records the notice and queues its e-mail (unless `email` is false: listed only). Returns false
   * when a deduplicated one was sent already.
   */
  async notify(accountId: string, notice: Notice, { email = true } = {}): Promise<boolean> {
    try {
      await this.prisma.notification.create({
        data: {
          accountId,
          kind: notice.kind,
          message: notice.message,
          dedupeKey: notice.dedupeKey ?? null,
        },
      });
    } catch (error) {
      // P2002: a notice with this key exists already.
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
        return false;
      throw error;
    }
    if (email) await this.email(accountId, notice);
    return true;
  }

  /**
   * Queues the notice's e-mail only, for a caller that stored the notice itself (in the
   * transaction of the change it tells about). Nothing when SMTP_URL or the address is unset; held
   * (logged, and listed only) while the address is not confirmed: until its mailbox has followed
   * the link sent to it, the address may be anyone's.
   */
  async email(accountId: string, notice: Notice): Promise<void> {
    if (!this.config.SMTP_URL) return;
    const account = await this.prisma.account.findUnique({
      where: { id: accountId },
      select: { email: true, emailConfirmedAt: true },
    });
    if (!account?.email) return;
    if (!account.emailConfirmedAt) {
      this.logger.log(
        `account ${accountId}: notice "${notice.subject}" not e-mailed: ${account.email} is not confirmed`,
      );
      return;
    }
    await this.emails().add(
      notice.kind,
      { to: account.email, subject: notice.subject, text: this.mailText(notice) },
      {
        attempts: this.config.MAIL_ATTEMPTS,
        backoff: { type: 'exponential', delay: 10_000 },
        removeOnComplete: true,
        removeOnFail: 1000,
      },
    );
  }

  /**
   * Queues the e-mail with the link that confirms `email` as the account's address; the worker
   * makes the link as it sends it (EmailConfirmationsService.compose). Failed sends are kept
   * (removeOnFail), as notices' are: they carry no token.
   */
  async queueConfirmation(job: ConfirmationJob): Promise<void> {
    await this.emails().add(CONFIRMATION_JOB, job, {
      attempts: this.config.MAIL_ATTEMPTS,
      backoff: { type: 'exponential', delay: 10_000 },
      removeOnComplete: true,
      removeOnFail: 1000,
    });
  }

  /** The notice, and where the owner sees the rest (the dashboard) when PUBLIC_URL says where it is. */
  private mailText(notice: Notice): string {
    if (!this.config.PUBLIC_URL) return notice.message;
    return `${notice.message}\n\nYour dashboard: ${new URL('/app/', this.config.PUBLIC_URL).href}`;
  }

  /** The same as notify, for callers that must not wait or fail on it (a recognition call). */
  notifyLater(accountId: string, notice: Notice): void {
    this.notify(accountId, notice).catch((error: Error) =>
      this.logger.warn(`account ${accountId}: notice "${notice.subject}" lost: ${error.message}`),
    );
  }

  async list(accountId?: string): Promise<NotificationView[]> {
    const rows = await this.prisma.notification.findMany({
      where: accountId ? { accountId } : {},
      orderBy: { id: 'desc' },
      take: 200,
    });
    return rows.map((n) => ({
      accountId: n.accountId,
      kind: n.kind,
      message: n.message,
      created: n.createdAt.toISOString(),
    }));
  }

  private emails(): Queue<EmailJob | ConfirmationJob> {
    return (this.queue ??= new Queue(EMAIL_QUEUE, queueOptions(this.config)));
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.queue) await closeQueue(this.queue);
  }
}
