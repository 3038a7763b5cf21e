import { Injectable } from '@nestjs/common';
import { ApiKeysService, KeyOwner } from '@platewise/domain';

/** What a dashboard session calls itself where an API key would give its id. */
const SESSION_KEY_ID = 'dashboard-session';

/**
 * The same owner an API key of the account resolves to (account, contract, periods, security
 * settings, webhooks), built by the same query for a dashboard session, so the dashboard answers
 * with the very code the key routes use. There is no key: `keyId` says so.
 */
@Injectable()
export class SessionOwners {
  constructor(private readonly keys: ApiKeysService) {}

  ownerOf(accountId: string): Promise<KeyOwner> {
    return this.keys.ownerOfAccount(accountId, SESSION_KEY_ID);
  }
}
