import { Injectable } from '@nestjs/common';
import { AccountsService } from '../../../accounts/accounts.service';
import { ApiKeysService } from '../../api-keys.service';
import { IssueKeyCommand } from './issue-key.command';

/** Issues an API key; the key itself is in this answer only. */
@Injectable()
export class IssueKey {
  constructor(
    private readonly accounts: AccountsService,
    private readonly keys: ApiKeysService,
  ) {}

  async execute({ accountId, label }: IssueKeyCommand) {
    await this.accounts.get(accountId);
    return this.keys.issue(accountId, label);
  }
}
