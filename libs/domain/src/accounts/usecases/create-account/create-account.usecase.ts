import { Injectable } from '@nestjs/common';
import { AccountsService } from '../../accounts.service';
import { CreateAccountCommand } from './create-account.command';

/** Creates an account and its first API key (shown once), and signs a contract when a plan is given. */
@Injectable()
export class CreateAccount {
  constructor(private readonly accounts: AccountsService) {}

  execute(command: CreateAccountCommand) {
    return this.accounts.create(command);
  }
}
