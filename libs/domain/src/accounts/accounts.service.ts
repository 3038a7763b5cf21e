import { Injectable } from '@nestjs/common';
import { ConflictError, InvalidInputError, NotFoundError } from '../errors';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { ContractsService } from '../contracts/contracts.service';
import { NotificationsService } from '../notifications/notifications.service';
import { PlansService } from '../plans/plans.service';
import { Prisma, PrismaService, type Account } from '@platewise/infra';

export interface AccountView {
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  /** where notices are e-mailed; null: none are */
  email: string | null;
  /** whether `email` was confirmed: until it is, notices are listed but not e-mailed to it */
  emailConfirmed: boolean;
  /** days recognition results are kept; 0: none are stored */
  readRetentionDays: number;
  created: string;
}

/** What an operator (or the owner) may change on an account. */
export interface AccountSettings {
  email?: string | null;
  readRetentionDays?: number;
}

/** Longest read history an account may keep (ten years). */
export const MAX_READ_RETENTION_DAYS = 3650;

export interface NewAccount {
  username: string;
  firstName?: string;
  lastName?: string;
  /** Plan to sign a contract on right away; no contract when omitted. */
  plan?: string;
  email?: string | null;
  readRetentionDays?: number;
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

/** The settings, or an InvalidInputError naming what is wrong (the HTTP edge checks them too). */
export function checkSettings(settings: AccountSettings): void {
  if (settings.email != null && (settings.email.length > 254 || !EMAIL.test(settings.email)))
    throw new InvalidInputError(`"${settings.email}" is not an e-mail address`);
  const days = settings.readRetentionDays;
  if (days !== undefined && (!Number.isInteger(days) || days < 0 || days > MAX_READ_RETENTION_DAYS))
    throw new InvalidInputError(
      `readRetentionDays must be a whole number from 0 (keep no reads) to ${MAX_READ_RETENTION_DAYS}`,
    );
}

export function toAccountView(a: Account): AccountView {
  return {
    id: a.id,
    username: a.username,
    firstName: a.firstName,
    lastName: a.lastName,
    email: a.email,
    emailConfirmed: a.email !== null && a.emailConfirmedAt !== null,
    readRetentionDays: a.readRetentionDays,
    created: a.createdAt.toISOString(),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class AccountsService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly keys: ApiKeysService,
    private readonly contracts: ContractsService,
    private readonly plans: PlansService,
    private readonly notifications: NotificationsService,
  ) {}

  /** Creates the account and its first API key (shown once), and signs a contract when a plan is given. */
  async create(input: NewAccount): Promise<{ account: AccountView; apiKey: string }> {
    checkSettings(input);
    const taken = () => new ConflictError(`username "${input.username}" is taken`);
    const existing = await this.prisma.account.findUnique({ where: { username: input.username } });
    if (existing) throw taken();
    // An unknown plan refuses the whole account: none is left behind with a key nobody saw.
    const plan = input.plan ? await this.plans.byName(input.plan) : null;
    const { account, apiKey } = await this.prisma
      .$transaction(async (tx) => {
        const account = await tx.account.create({
          data: {
            username: input.username,
            firstName: input.firstName ?? '',
            lastName: input.lastName ?? '',
            email: input.email ?? null,
            // The operator's address is trusted (see updateSettings).
            emailConfirmedAt: input.email ? new Date() : null,
            readRetentionDays: input.readRetentionDays ?? 0,
          },
        });
        const issued = await this.keys.issue(account.id, 'default', tx);
        if (plan) await this.contracts.signOn(tx, account.id, plan);
        return { account, apiKey: issued.apiKey };
      })
      .catch((error: unknown) => {
        // The same name created at the same moment: the unique index decides, as the check above would.
        if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
          throw taken();
        throw error;
      });
    return { account: toAccountView(account), apiKey };
  }

  /**
   * The operator changes the e-mail address or the read retention (a shorter one applies at the
   * next purge). An address the operator sets is confirmed at once, and any link the owner was
   * sent for another one stops working: operators are few, signed in (admin token, operator
   * role or the CLI on the host), audited, and set the address their customer gave them, so a
   * link would only hold that customer's contract and quota notices until someone clicks it.
   * Owners' changes are confirmed by link (EmailConfirmationsService). An operator's address is
   * never unconfirmed, so no notice is held for it; but one set while the owner's own address
   * awaited its link confirms in its place, and gets what was held for that one (as a followed
   * link would), while removing the address drops it.
   */
  async updateSettings(accountId: string, settings: AccountSettings): Promise<AccountView> {
    checkSettings(settings);
    await this.get(accountId);
    const now = new Date();
    const updated = await this.prisma.$transaction(async (tx) => {
      if (settings.email !== undefined)
        await tx.emailConfirmation.deleteMany({ where: { accountId } });
      const updated = await tx.account.update({
        where: { id: accountId },
        data: {
          ...(settings.email !== undefined
            ? { email: settings.email, emailConfirmedAt: settings.email ? now : null }
            : {}),
          ...(settings.readRetentionDays !== undefined
            ? { readRetentionDays: settings.readRetentionDays }
            : {}),
        },
      });
      // After the account row's update, which holds the lock a notice raised meanwhile waits for
      // (NotificationsService.record), as a followed link does.
      if (settings.email === null) await this.notifications.dropHeld(tx, accountId);
      if (settings.email) await this.notifications.settleHeld(tx, accountId, now);
      return updated;
    });
    if (settings.email) await this.notifications.sendHeld(accountId);
    return toAccountView(updated);
  }

  async get(accountId: string): Promise<Account> {
    const account = await this.prisma.account.findUnique({ where: { id: accountId } });
    if (!account) throw new NotFoundError(`no account ${accountId}`);
    return account;
  }

  /** Finds an account by id or username (the CLI accepts either). */
  async resolve(ref: string): Promise<Account> {
    const account = UUID.test(ref)
      ? await this.prisma.account.findUnique({ where: { id: ref } })
      : await this.prisma.account.findUnique({ where: { username: ref } });
    if (!account) throw new NotFoundError(`no account "${ref}"`);
    return account;
  }

  async list(): Promise<AccountView[]> {
    const accounts = await this.prisma.account.findMany({ orderBy: { createdAt: 'asc' } });
    return accounts.map(toAccountView);
  }
}
