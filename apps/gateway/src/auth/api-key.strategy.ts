import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ApiKeysService, KeyOwner, KeyOwnerCache, refusalReason } from '@platewise/domain';
import { AppConfig } from '@platewise/infra';
import type { Request } from 'express';
import { Strategy } from 'passport-custom';
import { requestContext } from '../http/request-context';
import { KeyLastUsed } from './key-last-used';

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

/** Routes the on-premise SDK serves without a token (and stream events from apps/stream beside it). */
const ONPREM_OPEN_ROUTES = /^\/(v1\/plate-reader|v1\/stream\/events|info)(\/|$)/;

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
    private readonly owners: KeyOwnerCache,
    private readonly config: AppConfig,
    private readonly lastUsed: KeyLastUsed,
  ) {
    super();
  }

  async validate(req: Request): Promise<KeyOwner> {
    const apiKey = extractApiKey(req) ?? this.onPremiseKey(req);
    if (!apiKey) throw new AuthFailure('Authentication credentials were not provided.');
    const owner = await this.owners.owner(apiKey, () => this.keys.authenticate(apiKey));
    if (!owner) throw new AuthFailure('Invalid token.');
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    const reason = refusalReason(owner.security, { ip: req.ip, origin });
    if (reason) throw new AuthFailure(reason, true);
    requestContext(req).apiKey = apiKey;
    this.lastUsed.touch(owner.keyId);
    return owner;
  }

  /** In on-premise mode, token-less SDK calls act as the licence's account. */
  private onPremiseKey(req: Request): string | undefined {
    if (this.config.PLATEWISE_MODE !== 'onprem' || req.headers.authorization) return undefined;
    return ONPREM_OPEN_ROUTES.test(req.path) ? this.config.PLATEWISE_LICENSE_KEY : undefined;
  }
}
