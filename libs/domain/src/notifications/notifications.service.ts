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
  /**
   * its e-mail is held: raised while the address was unconfirmed, e-mailed once one is confirmed
   * (and held a moment more, until it is queued: sendHeld), or refused by the queue when raised
   * (send: the workers' sweep queues it), so the dashboard can say so
   */
  emailHeld: boolean;
}

/** Where a recorded notice is to be e-mailed once its transaction has committed (send). */
export interface NoticeMail {
  to: string;
  /** the notice's id */
  id: bigint;
}

/**
 * A held notice's e-mail is sent when an address is confirmed only if the notice was raised at
 * most this long before: as long as a confirmation link works (EmailConfirmationsService), so
 * whatever was raised while the followed link was out is sent, and nothing older, whose news is
 * stale (a quota warning of a period long gone, a contract renewed since), comes days late.
 */
export const HELD_MAIL_MAX_AGE_MS = 48 * 3_600_000;
/**
 * At most this many held e-mails are sent at a confirmation, the newest: a busy watchlist could
 * have held hundreds in two days, and one click should not pour them into the mailbox at once
 * (every notice stays listed on the dashboard).
 */
export const HELD_MAIL_LIMIT = 50;
/** At most this many accounts' held notices are queued by a sweep (sweepHeld); the rest next time. */
const SWEEP_ACCOUNTS = 500;
/**
 * The sweep leaves an address confirmed less than this long ago to its confirmation, which queues
 * its held notices itself right after committing (sendHeld): the sweep is for what that could not.
 */
export const SWEEP_AFTER_MS = 60_000;
/**
 * How long a notice's e-mail job is kept once sent (by its id, noticeJobId), so that queueing it
 * again adds nothing: sendHeld's, queued and then taking it off hold failed; send's, where the
 * queue took it yet answered an error, so it was held and the sweep queues it again. The workers'
 * sweep comes every few minutes; a day is far beyond that.
 */
const NOTICE_JOB_KEPT_S = 24 * 3600;
/** The e-mail job of a notice: one per notice, however many times it is queued. */
const noticeJobId = (id: bigint) => `notice-${id}`;

/**
 * A notice whose e-mail was held, taken to be e-mailed now that an address is confirmed (or now
 * that the queue takes it again).
 */
export interface HeldNotice {
  id: bigint;
  kind: string;
  subject: string | null;
  message: string;
  createdAt: Date;
}

/**
 * Notices to account owners: listed in the dashboard, and e-mailed to the account's address when
 * SMTP_URL is set and the address is confirmed (EmailConfirmationsService). The e-mail is a job on
 * EMAIL_QUEUE (the worker sends it, with retries), so the caller never waits for an SMTP server.
 *
 * While the address is unconfirmed a notice's e-mail is held (notifications.email_held) and,
 * once an address is confirmed (by its link, or set by an operator), the held ones of the last
 * HELD_MAIL_MAX_AGE_MS are e-mailed to it through the same queue (settleHeld, sendHeld). Whether
 * a notice is held or sent is decided with the account row share-locked, and a confirmation
 * updates that row before it settles the held ones: a notice raised as the address is confirmed
 * is either held before and e-mailed as held, or sees it confirmed and is sent at once; never
 * both, never neither.
 *
 * A held notice stays held until its e-mail is queued: taken off hold in the transaction that
 * queues it (sendHeld), after the confirmation has committed. Should Redis refuse it then, it is
 * still held, and the workers' sweep (sweepHeld, every few minutes) queues it later: nothing is
 * lost between the confirmation and the queue, not even when the process dies there. Taking the
 * notices off hold first and putting them back when the queue refused them would lose them
 * whenever the putting back failed too, or the process stopped in between.
 *
 * The e-mail of a notice raised for a confirmed address is queued once the notice is committed
 * (send); should Redis refuse it then, the notice is held as above, and the same sweep queues it.
 * Its caller, which has recorded the notice, learns nothing of it: a caller that retried on an
 * error (the read history's watchlist matches) found the notice there, kept once by its dedupe
 * key, and its e-mail was never sent.
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
   * Records the notice and queues its e-mail (unless `email` is false: listed only), or holds it
   * while the address is unconfirmed. Returns false when a deduplicated one was sent already, or
   * its account is gone.
   */
  async notify(accountId: string, notice: Notice, { email = true } = {}): Promise<boolean> {
    let to: NoticeMail | null = null;
    try {
      if (email && this.config.SMTP_URL)
        to = await this.prisma.$transaction((tx) => this.record(tx, accountId, notice));
      // Listed only, or no e-mail at all: nothing to decide, so no transaction and no lock.
      else await this.insert(this.prisma, accountId, notice, false);
    } catch (error) {
      // P2002: a notice with this key exists already; P2003: its account was deleted since.
      if (
        error instanceof Prisma.PrismaClientKnownRequestError &&
        (error.code === 'P2002' || error.code === 'P2003')
      )
        return false;
      throw error;
    }
    if (to) await this.send(to, notice);
    return true;
  }

  /**
   * Stores the notice in `tx` (a caller's own transaction stores the change it tells about with
   * it) and returns where to e-mail it once `tx` is committed (send), or null: no
   * SMTP_URL, no address, or held (logged, and listed only) while the address is not confirmed,
   * since until its mailbox has followed the link sent to it, the address may be anyone's.
   * It share-locks the account row, so it must come before anything in `tx` that waits for a
   * lock a confirmation holds: an address confirmed at the same moment is either seen confirmed
   * here, or finds this notice held.
   */
  async record(
    tx: Prisma.TransactionClient,
    accountId: string,
    notice: Notice,
  ): Promise<NoticeMail | null> {
    if (!this.config.SMTP_URL) {
      await this.insert(tx, accountId, notice, false);
      return null;
    }
    const [account] = await tx.$queryRaw<{ email: string | null; confirmed: boolean }[]>`
      SELECT email, email_confirmed_at IS NOT NULL AS confirmed
      FROM accounts WHERE id = ${accountId}::uuid FOR SHARE`;
    const address = account?.email ?? null;
    const held = address !== null && !account!.confirmed;
    const { id } = await this.insert(tx, accountId, notice, held);
    if (!held) return address === null ? null : { to: address, id };
    this.logger.log(
      `account ${accountId}: notice "${notice.subject}" not e-mailed: ${address} is not confirmed (held: e-mailed once it is)`,
    );
    return null;
  }

  /**
   * Queues the e-mail of a recorded notice, as `record` said. Where the queue refuses it (Redis
   * away), the notice is held, and the workers' sweep (sweepHeld) queues it once the queue takes
   * it again; never throws: the notice is recorded, so its caller has nothing to retry.
   */
  async send(mail: NoticeMail, notice: Notice): Promise<void> {
    try {
      await this.emails().add(
        notice.kind,
        { to: mail.to, subject: notice.subject, text: this.mailText(notice.message) },
        this.noticeMailOptions(mail.id),
      );
    } catch (refused) {
      const why = (refused as Error).message;
      try {
        await this.prisma.notification.update({
          where: { id: mail.id },
          data: { emailHeld: true },
        });
        this.logger.warn(
          `notice ${mail.id}: its e-mail to ${mail.to} was not queued (${why}): held, for the workers' sweep to send`,
        );
      } catch (error) {
        this.logger.error(
          `notice ${mail.id}: its e-mail to ${mail.to} is lost: not queued (${why}), nor held (${(error as Error).message})`,
        );
      }
    }
  }

  /**
   * In the transaction that has just confirmed the account's address (`confirmedAt`), after it
   * updated the account row (so holds the lock that `record` waits for): decides which held
   * notices are e-mailed to it (sendHeld, once committed), and returns how many: those raised at
   * most HELD_MAIL_MAX_AGE_MS before the confirmation, the newest HELD_MAIL_LIMIT. The others are
   * taken off hold: they stay listed only, as their news is stale. The ones to send stay held
   * until they are queued. sendHeld applies it again (to the account's confirmation time, so to
   * the same ones): a later sweep sends what the confirmation would have, no more.
   */
  async settleHeld(
    tx: Prisma.TransactionClient,
    accountId: string,
    confirmedAt: Date,
  ): Promise<number> {
    const since = new Date(confirmedAt.getTime() - HELD_MAIL_MAX_AGE_MS);
    // One statement: the UPDATE sees the held rows as `sent` did, so what is kept and what is
    // dropped are told apart on the same rows.
    const [settled] = await tx.$queryRaw<{ sent: number }[]>`
      WITH sent AS (
        SELECT id FROM notifications
        WHERE account_id = ${accountId}::uuid AND email_held AND created_at > ${since}
        ORDER BY id DESC LIMIT ${HELD_MAIL_LIMIT}
      ), dropped AS (
        UPDATE notifications SET email_held = false
        WHERE account_id = ${accountId}::uuid AND email_held AND id NOT IN (SELECT id FROM sent)
      )
      SELECT count(*)::int AS sent FROM sent`;
    return settled?.sent ?? 0;
  }

  /**
   * In the transaction that removes the account's address: what was held for it is not e-mailed
   * to an address set later (the owner asked for no e-mail).
   */
  async dropHeld(tx: Prisma.TransactionClient, accountId: string): Promise<void> {
    await tx.notification.updateMany({
      where: { accountId, emailHeld: true },
      data: { emailHeld: false },
    });
  }

  /**
   * Queues the e-mails of the account's held notices to its confirmed address, as notices' own
   * (the same job, the worker's usual sending); each says when it was raised, as it comes late.
   * Called once a confirmation has committed (settleHeld chose them), and by the workers' sweep
   * for any left held. Returns how many were queued; never throws: what was not queued stays held.
   *
   * In one transaction, the account row share-locked (its address cannot change or be removed
   * meanwhile: a change waits, and its held notices stay held for the next address) and the held
   * rows locked (a sweep at the same moment skips them): the notices are queued, then taken off
   * hold. Queue refused, or taking them off hold failed: the transaction is rolled back and they
   * are still held for the sweep. Each notice's job has the notice's id (noticeJobId) and is kept a
   * day once sent, so one queued whose transaction then failed is not added, or sent, again.
   */
  async sendHeld(accountId: string): Promise<number> {
    let tried: { to: string; count: number } | undefined;
    try {
      const sent = await this.prisma.$transaction(async (tx) => {
        const [account] = await tx.$queryRaw<{ email: string; confirmedAt: Date }[]>`
          SELECT email, email_confirmed_at AS "confirmedAt" FROM accounts
          WHERE id = ${accountId}::uuid AND email IS NOT NULL AND email_confirmed_at IS NOT NULL
          FOR SHARE`;
        // Unconfirmed again (changed) or removed since: held for the next address, or dropped.
        if (!account) return null;
        await this.settleHeld(tx, accountId, account.confirmedAt);
        const held = await tx.$queryRaw<HeldNotice[]>`
          SELECT id, kind, subject, message, created_at AS "createdAt" FROM notifications
          WHERE account_id = ${accountId}::uuid AND email_held
          ORDER BY id LIMIT ${HELD_MAIL_LIMIT}
          FOR UPDATE SKIP LOCKED`;
        if (held.length === 0) return null;
        tried = { to: account.email, count: held.length };
        await this.emails().addBulk(held.map((n) => this.heldMail(account, n)));
        await tx.notification.updateMany({
          where: { id: { in: held.map((n) => n.id) } },
          data: { emailHeld: false },
        });
        return tried;
      });
      if (sent)
        this.logger.log(
          `account ${accountId}: ${sent.count} held notice(s) e-mailed to ${sent.to}, now confirmed`,
        );
      return sent?.count ?? 0;
    } catch (error) {
      this.logger.warn(
        `account ${accountId}: ${tried ? `${tried.count} held notice(s) for ${tried.to}` : 'held notices'} not queued, still held (the workers' sweep sends them): ${(error as Error).message}`,
      );
      return 0;
    }
  }

  /**
   * The workers' sweep: queues the held notices of every account whose address was confirmed
   * (sendHeld) at least SWEEP_AFTER_MS before `now`. They are there only when queueing them at the
   * confirmation failed. Returns how many were queued.
   */
  async sweepHeld(now = new Date()): Promise<number> {
    const confirmedBy = new Date(now.getTime() - SWEEP_AFTER_MS);
    const accounts = await this.prisma.$queryRaw<{ accountId: string }[]>`
      SELECT DISTINCT n.account_id AS "accountId"
      FROM notifications n JOIN accounts a ON a.id = n.account_id
      WHERE n.email_held AND a.email IS NOT NULL AND a.email_confirmed_at <= ${confirmedBy}
      LIMIT ${SWEEP_ACCOUNTS}`;
    let sent = 0;
    for (const { accountId } of accounts) sent += await this.sendHeld(accountId);
    return sent;
  }

  /**
   * A held notice's e-mail job to the account's confirmed `email`. It says why it comes late:
   * raised before the address was confirmed, or after (the queue refused it then: send).
   */
  private heldMail(account: { email: string; confirmedAt: Date }, n: HeldNotice) {
    const told = n.createdAt.toISOString().slice(0, 16).replace('T', ' ');
    return {
      name: n.kind,
      data: {
        to: account.email,
        subject: n.subject ?? 'platewise: a notice for your account',
        text: this.mailText(
          n.message,
          n.createdAt < account.confirmedAt
            ? `Told on ${told} UTC, while this address was not yet confirmed: held until it was.`
            : `Told on ${told} UTC; e-mailed late, as the mail queue could not take it then.`,
        ),
      },
      opts: this.noticeMailOptions(n.id),
    };
  }

  /** A notice's e-mail job: its own id, and kept a while once sent (NOTICE_JOB_KEPT_S). */
  private noticeMailOptions(id: bigint) {
    return {
      ...this.mailOptions(),
      jobId: noticeJobId(id),
      removeOnComplete: { age: NOTICE_JOB_KEPT_S },
    };
  }

  /**
   * Queues the e-mail with the link that confirms `email` as the account's address; the worker
   * makes the link as it sends it (EmailConfirmationsService.compose). Failed sends are kept
   * (removeOnFail), as notices' are: they carry no token.
   */
  async queueConfirmation(job: ConfirmationJob): Promise<void> {
    await this.emails().add(CONFIRMATION_JOB, job, this.mailOptions());
  }

  /** The notice, and where the owner sees the rest (the dashboard) when PUBLIC_URL says where it is. */
  private mailText(message: string, note?: string): string {
    const parts = [message];
    if (note) parts.push(note);
    if (this.config.PUBLIC_URL)
      parts.push(`Your dashboard: ${new URL('/app/', this.config.PUBLIC_URL).href}`);
    return parts.join('\n\n');
  }

  /** Retried with backoff; failed ones kept a while to look at (they carry no secret). */
  private mailOptions() {
    return {
      attempts: this.config.MAIL_ATTEMPTS,
      backoff: { type: 'exponential', delay: 10_000 },
      removeOnComplete: true,
      removeOnFail: 1000,
    };
  }

  private insert(
    db: Prisma.TransactionClient,
    accountId: string,
    notice: Notice,
    emailHeld: boolean,
  ) {
    return db.notification.create({
      data: {
        accountId,
        kind: notice.kind,
        message: notice.message,
        subject: notice.subject,
        dedupeKey: notice.dedupeKey ?? null,
        emailHeld,
      },
    });
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
      emailHeld: n.emailHeld,
    }));
  }

  private emails(): Queue<EmailJob | ConfirmationJob> {
    return (this.queue ??= new Queue(EMAIL_QUEUE, queueOptions(this.config)));
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.queue) await closeQueue(this.queue);
  }
}
