import { Injectable } from '@nestjs/common';
import { AppConfig, Prisma, PrismaService } from '@platewise/infra';
import { createHash, randomBytes } from 'node:crypto';
import { ConflictError, LinkRefusedError, NotFoundError, TooSoonError } from '../errors';
import type { ConfirmationJob, EmailJob } from '../notifications/email-job';
import { NotificationsService } from '../notifications/notifications.service';
import { AccountsService, AccountView, checkSettings, toAccountView } from './accounts.service';

/** How long a confirmation link works once it is sent. */
export const CONFIRMATION_TTL_MS = 48 * 3_600_000;
/** One confirmation e-mail per account in this time, for a new address or a resend alike. */
export const CONFIRMATION_INTERVAL_MS = 5 * 60_000;

/** The link's token: 32 random bytes, base64url. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const tokenHash = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** What a followed link confirmed. */
export interface ConfirmedAddress {
  username: string;
  email: string;
  confirmed: string;
  /** how many notices held while the address was unconfirmed are e-mailed to it now */
  heldNotices: number;
}

/**
 * The owner's notice address is confirmed before anything is e-mailed to it, so nobody can point
 * an account's notices at someone else's mailbox: setting or changing it stores it unconfirmed
 * and e-mails it a single-use link (PUBLIC_URL/app/#/confirm-email?token=…) that works for 48
 * hours; NotificationsService holds every notice's e-mail until the link is followed, and then
 * e-mails the recent held ones to it. Only the token's SHA-256 is stored, and the worker makes the
 * token as it sends the e-mail (compose), so it is in no queue either. Operators' addresses are
 * trusted (AccountsService.updateSettings).
 */
@Injectable()
export class EmailConfirmationsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly config: AppConfig,
    private readonly accounts: AccountsService,
    private readonly notifications: NotificationsService,
  ) {}

  /**
   * The owner sets where notices go (null: nowhere). A new address is unconfirmed and is sent
   * one link; a link sent for an earlier one stops working. At most one e-mail per account every
   * CONFIRMATION_INTERVAL_MS: a change sooner is refused (TooSoonError), so no one mails a list
   * of strangers through it. The same address again changes nothing. Notices held for an earlier
   * unconfirmed address stay held, for whichever address is confirmed in the end; removing the
   * address (null) drops them, as the owner asked for no e-mail.
   */
  async change(accountId: string, email: string | null | undefined): Promise<AccountView> {
    checkSettings({ email });
    const account = await this.accounts.get(accountId);
    if (email === undefined || email === account.email) return toAccountView(account);
    // Without SMTP_URL nothing is e-mailed at all: the address waits, unconfirmed, for a resend.
    const sent = email !== null && this.config.SMTP_URL !== undefined;
    const requestedAt = new Date();
    const updated = await this.prisma.$transaction(async (tx) => {
      const pending = await this.lockPending(tx, accountId);
      if (sent) {
        refuseTooSoon(pending, requestedAt);
        await this.request(tx, accountId, email, requestedAt);
      } else if (pending) {
        // The row stays, so removing the address and setting another is no way around the limit.
        await tx.emailConfirmation.update({
          where: { accountId },
          data: { tokenHash: null, expiresAt: null },
        });
      }
      if (email === null) await this.notifications.dropHeld(tx, accountId);
      return tx.account.update({
        where: { id: accountId },
        data: { email, emailConfirmedAt: null },
      });
    });
    if (sent) await this.queue(accountId, email, requestedAt);
    return toAccountView(updated);
  }

  /** Sends the unconfirmed address a new link (the earlier one stops working), as limited as `change`. */
  async resend(accountId: string): Promise<void> {
    const requestedAt = new Date();
    const email = await this.prisma.$transaction(async (tx) => {
      const pending = await this.lockPending(tx, accountId);
      const account = await tx.account.findUnique({ where: { id: accountId } });
      if (!account) throw new NotFoundError(`no account ${accountId}`);
      if (!account.email)
        throw new ConflictError('No address is set for notices: set one, and it is sent a link.');
      if (account.emailConfirmedAt)
        throw new ConflictError(
          `${account.email} is confirmed already: notices are e-mailed to it.`,
        );
      if (!this.config.SMTP_URL)
        throw new ConflictError(
          'This service sends no e-mail (the operator has not set SMTP_URL): notices are only listed on the dashboard.',
        );
      refuseTooSoon(pending, requestedAt);
      await this.request(tx, accountId, account.email, requestedAt);
      return account.email;
    });
    await this.queue(accountId, email, requestedAt);
  }

  /**
   * The worker's half: makes the link's token, stores its hash with the expiry, and returns the
   * e-mail to send; null when the address changed or was confirmed since the job was queued
   * (nothing to send). A retried send makes a new token: only the latest e-mail's link works.
   */
  async compose({ accountId, email }: ConfirmationJob): Promise<EmailJob | null> {
    const account = await this.prisma.account.findUnique({
      where: { id: accountId },
      select: { username: true },
    });
    if (!account) return null;
    const token = randomBytes(32).toString('base64url');
    const { count } = await this.prisma.emailConfirmation.updateMany({
      where: { accountId, email, usedAt: null, account: { email, emailConfirmedAt: null } },
      data: {
        tokenHash: tokenHash(token),
        expiresAt: new Date(Date.now() + CONFIRMATION_TTL_MS),
      },
    });
    if (count === 0) return null;
    const path = `/app/#/confirm-email?token=${token}`;
    const link = this.config.PUBLIC_URL ? new URL(path, this.config.PUBLIC_URL).href : path;
    return {
      to: email,
      subject: 'platewise: confirm your address for notices',
      text: [
        `The platewise account "${account.username}" asks for its notices (quota, contract, webhook and watchlist e-mails) to be sent to this address.`,
        `To confirm that this mailbox wants them, open this link within ${CONFIRMATION_TTL_MS / 3_600_000} hours and press "Confirm":`,
        this.config.PUBLIC_URL ? link : `${link} (on your platewise service's address)`,
        'If you did not ask for this, ignore this e-mail: nothing is sent to this address unless the link is used.',
      ].join('\n\n'),
    };
  }

  /**
   * Follows a link: its address becomes the confirmed one of the account that was sent it, and
   * the link is used up. The notices held while it was unconfirmed (the last 48 hours' of them,
   * for this address or an earlier unconfirmed one) are e-mailed to it now, once: chosen in the
   * same transaction, queued and taken off hold once it is committed (should the queue refuse
   * them, they stay held and the workers send them later: NotificationsService.sendHeld).
   * Refused (LinkRefusedError, with the reason) when the token is unknown (mistyped, or replaced
   * by a newer link), expired or used.
   */
  async confirm(token: string): Promise<ConfirmedAddress> {
    const unknown = () =>
      new LinkRefusedError(
        'unknown',
        'This confirmation link is not valid: it is incomplete, or a newer one replaced it (the address was changed, or the link sent again). Use the link in the latest e-mail, or ask for a new one on the dashboard (Overview, Notices).',
      );
    if (!TOKEN.test(token)) throw unknown();
    const hash = tokenHash(token);
    const now = new Date();
    const { accountId, confirmed } = await this.prisma.$transaction(async (tx) => {
      const whose = await tx.emailConfirmation.findUnique({
        where: { tokenHash: hash },
        select: { accountId: true },
      });
      if (!whose) throw unknown();
      // The account row first, as change() and resend() lock it (lockPending) before they write
      // the confirmation's row: taken in the other order, a confirmation and a change at the same
      // moment each waited for the other's row, and PostgreSQL aborted one (a deadlock). From
      // here a notice raised for the account waits for this transaction, and then sees the
      // address confirmed, so none is held after the held ones are taken below. The link is read
      // again under the lock: a change just committed replaced it.
      await tx.$queryRaw`SELECT 1 FROM accounts WHERE id = ${whose.accountId}::uuid FOR UPDATE`;
      const link = await tx.emailConfirmation.findUnique({
        where: { tokenHash: hash },
        include: { account: { select: { username: true, email: true } } },
      });
      if (!link || link.account.email !== link.email) throw unknown();
      const used = () =>
        new LinkRefusedError(
          'used',
          `This confirmation link was used already${link.usedAt ? ` (${link.usedAt.toISOString()})` : ''}: ${link.email} is confirmed. A link works once.`,
        );
      if (link.usedAt) throw used();
      if (!link.expiresAt || link.expiresAt <= now)
        throw new LinkRefusedError(
          'expired',
          `This confirmation link expired${link.expiresAt ? ` on ${link.expiresAt.toISOString()}` : ''}: links work for ${CONFIRMATION_TTL_MS / 3_600_000} hours. Ask for a new one on the dashboard (Overview, Notices).`,
        );
      // Once: of two uses at the same moment, one finds it used.
      const { count } = await tx.emailConfirmation.updateMany({
        where: { tokenHash: hash, usedAt: null },
        data: { usedAt: now },
      });
      if (count === 0) throw used();
      await tx.account.update({
        where: { id: link.accountId },
        data: { emailConfirmedAt: now },
      });
      const heldNotices = await this.notifications.settleHeld(tx, link.accountId, now);
      return {
        accountId: link.accountId,
        confirmed: {
          username: link.account.username,
          email: link.email,
          confirmed: now.toISOString(),
          heldNotices,
        },
      };
    });
    // The confirmation stands whatever comes of this: what is not queued now stays held.
    await this.notifications.sendHeld(accountId);
    return confirmed;
  }

  /**
   * The account's pending confirmation, read with the account row locked for the transaction:
   * two changes (or resends) at the same moment are taken one after the other, so both cannot
   * pass the limit.
   */
  private async lockPending(tx: Prisma.TransactionClient, accountId: string) {
    await tx.$queryRaw`SELECT 1 FROM accounts WHERE id = ${accountId}::uuid FOR UPDATE`;
    return tx.emailConfirmation.findUnique({ where: { accountId } });
  }

  /** A new confirmation for `email`, with no token until the worker sends it. */
  private request(
    tx: Prisma.TransactionClient,
    accountId: string,
    email: string,
    requestedAt: Date,
  ) {
    const fresh = { email, requestedAt, tokenHash: null, expiresAt: null, usedAt: null };
    return tx.emailConfirmation.upsert({
      where: { accountId },
      create: { accountId, ...fresh },
      update: fresh,
    });
  }

  /** Queues the e-mail; when that fails, the owner may ask again at once (nothing was sent). */
  private async queue(accountId: string, email: string, requestedAt: Date): Promise<void> {
    try {
      await this.notifications.queueConfirmation({ accountId, email });
    } catch (error) {
      await this.prisma.emailConfirmation
        .updateMany({ where: { accountId, requestedAt }, data: { requestedAt: new Date(0) } })
        .catch(() => undefined);
      throw error;
    }
  }
}

/** A TooSoonError when the account was sent a confirmation e-mail less than the interval ago. */
function refuseTooSoon(pending: { requestedAt: Date } | null, now: Date): void {
  if (!pending) return;
  const next = pending.requestedAt.getTime() + CONFIRMATION_INTERVAL_MS;
  if (next <= now.getTime()) return;
  throw new TooSoonError(
    `A confirmation e-mail was sent less than ${CONFIRMATION_INTERVAL_MS / 60_000} minutes ago: another may be sent from ${new Date(next).toISOString()}.`,
    Math.ceil((next - now.getTime()) / 1000),
  );
}
