import { Injectable } from '@nestjs/common';
import { ApiKeysService } from '../../../api-keys/api-keys.service';
import { NotificationsService } from '../../../notifications/notifications.service';
import { UsageService } from '../../../usage/usage.service';
import { WebhooksService } from '../../../webhooks/webhooks.service';
import { AccountsService, toAccountView } from '../../accounts.service';
import { InspectAccountCommand } from './inspect-account.command';

/**
 * One account as an operator looks at it: its usage per day, its keys (never the keys
 * themselves), its webhooks (never their secrets) and the notices sent to its owner.
 */
@Injectable()
export class InspectAccount {
  constructor(
    private readonly accounts: AccountsService,
    private readonly usage: UsageService,
    private readonly keys: ApiKeysService,
    private readonly webhooks: WebhooksService,
    private readonly notices: NotificationsService,
  ) {}

  async execute({ accountId, from, to }: InspectAccountCommand) {
    const account = toAccountView(await this.accounts.get(accountId));
    const [usage, keys, webhooks, notifications] = await Promise.all([
      this.usage.report(accountId, from, to),
      this.keys.listInUse(accountId),
      this.webhooks.list(accountId),
      this.notices.list(accountId),
    ]);
    return { account, usage, keys, webhooks, notifications };
  }
}
