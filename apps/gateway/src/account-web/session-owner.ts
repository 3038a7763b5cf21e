import { Injectable } from '@nestjs/common';
import {
  AccountsService,
  ContractsService,
  KeyOwner,
  SecurityService,
  WebhooksService,
} from '@platewise/domain';

/**
 * The same owner an API key of the account resolves to (account, contract, periods, security
 * settings, webhooks), built for a dashboard session, so the dashboard answers with the very code
 * the key routes use. There is no key: `keyId` says so.
 */
@Injectable()
export class SessionOwners {
  constructor(
    private readonly accounts: AccountsService,
    private readonly contracts: ContractsService,
    private readonly security: SecurityService,
    private readonly webhooks: WebhooksService,
  ) {}

  async ownerOf(accountId: string): Promise<KeyOwner> {
    const [account, periods, security, hooks] = await Promise.all([
      this.accounts.get(accountId),
      this.contracts.periods(accountId),
      this.security.get(accountId),
      this.webhooks.list(accountId),
    ]);
    return {
      accountId,
      keyId: 'dashboard-session',
      account: {
        username: account.username,
        firstName: account.firstName,
        lastName: account.lastName,
        createdAt: account.createdAt,
      },
      security,
      contract: periods.at(-1) ?? null,
      periodStarts: periods.map((p) => p.latestSignatureDate),
      webhooks: hooks.map((h) => ({
        id: h.id,
        includeImage: h.include_image,
        target: h.target,
        created: h.created,
      })),
    };
  }
}
