import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError } from '../errors';
import { ApiKeysService } from '../api-keys/api-keys.service';
import { ContractsService } from '../contracts/contracts.service';
import { PrismaService, type Account } from '@platewise/infra';

export interface AccountView {
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  created: string;
}

export interface NewAccount {
  username: string;
  firstName?: string;
  lastName?: string;
  /** Plan to sign a contract on right away; no contract when omitted. */
  plan?: string;
}

export function toAccountView(a: Account): AccountView {
  return {
    id: a.id,
    username: a.username,
    firstName: a.firstName,
    lastName: a.lastName,
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
  ) {}

  /** Creates the account and its first API key (shown once), and signs a contract when a plan is given. */
  async create(input: NewAccount): Promise<{ account: AccountView; apiKey: string }> {
    const existing = await this.prisma.account.findUnique({ where: { username: input.username } });
    if (existing) throw new ConflictError(`username "${input.username}" is taken`);
    const { account, apiKey } = await this.prisma.$transaction(async (tx) => {
      const account = await tx.account.create({
        data: {
          username: input.username,
          firstName: input.firstName ?? '',
          lastName: input.lastName ?? '',
        },
      });
      const issued = await this.keys.issue(account.id, 'default', tx);
      return { account, apiKey: issued.apiKey };
    });
    if (input.plan) await this.contracts.sign(account.id, input.plan);
    return { account: toAccountView(account), apiKey };
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
