import { Injectable } from '@nestjs/common';
import { ApiKeysService } from '../../api-keys.service';
import { RevokeKeyCommand } from './revoke-key.command';

/** Revokes a key of the account; it stops working on the next call. */
@Injectable()
export class RevokeKey {
  constructor(private readonly keys: ApiKeysService) {}

  execute({ accountId, keyId }: RevokeKeyCommand) {
    return this.keys.revoke(accountId, keyId);
  }
}
