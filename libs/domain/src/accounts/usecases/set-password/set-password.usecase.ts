import { Injectable } from '@nestjs/common';
import { AccountsService } from '../../accounts.service';
import { PasswordsService } from '../../../passwords/passwords.service';
import { SetPasswordCommand } from './set-password.command';

/** Sets or resets an account's dashboard password (its sessions end), and its operator role. */
@Injectable()
export class SetPassword {
  constructor(
    private readonly accounts: AccountsService,
    private readonly passwords: PasswordsService,
  ) {}

  async execute({ accountId, password, operator }: SetPasswordCommand): Promise<void> {
    await this.accounts.get(accountId);
    await this.passwords.set(accountId, password);
    if (operator !== undefined) await this.passwords.setOperator(accountId, operator);
  }
}
