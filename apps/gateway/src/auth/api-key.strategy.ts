import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ApiKeysService, KeyOwner, refusalReason, SecurityService } from '@platewise/domain';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';

/** Why a request was not authenticated; the guard turns it into the route family's status code. */
export class AuthFailure extends Error {
  constructor(
    message: string,
    /** true when a valid key was refused by the account's security settings */
    readonly refusedBySettings = false,
  ) {
    super(message);
  }
}

/** `Authorization: Token <key>` (Plate Recognizer) or `?api-key=<key>` (Pl@ntNet). */
export function extractApiKey(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header) {
    const match = /^Token\s+(\S+)\s*$/i.exec(header);
    return match ? match[1] : undefined;
  }
  const query = req.query['api-key'];
  return typeof query === 'string' && query.length > 0 ? query : undefined;
}

@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, 'api-key') {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly security: SecurityService,
  ) {
    super();
  }

  async validate(req: Request): Promise<KeyOwner> {
    const apiKey = extractApiKey(req);
    if (!apiKey) throw new AuthFailure('Authentication credentials were not provided.');
    const owner = await this.keys.authenticate(apiKey);
    if (!owner) throw new AuthFailure('Invalid token.');
    const settings = await this.security.get(owner.accountId);
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    const reason = refusalReason(settings, { ip: req.ip, origin });
    if (reason) throw new AuthFailure(reason, true);
    return owner;
  }
}
