import { Injectable } from '@nestjs/common';
import { AccountsService } from '../../accounts.service';
import { UpdateAccountSettingsCommand } from './update-account-settings.command';

/** Changes an account's e-mail address or read retention. */
@Injectable()
export class UpdateAccountSettings {
  constructor(private readonly accounts: AccountsService) {}

  execute({ accountId, email, readRetentionDays }: UpdateAccountSettingsCommand) {
    return this.accounts.updateSettings(accountId, { email, readRetentionDays });
  }
}
