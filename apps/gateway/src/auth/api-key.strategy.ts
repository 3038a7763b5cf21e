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

/**
 * Routes the on-premise SDK serves without a token (and stream events from apps/stream beside it);
 * redaction too, since it takes the plate reader's inputs from the same local clients.
 */
export const ONPREM_OPEN_ROUTES = /^\/(v1\/plate-reader|v1\/redact|v1\/stream\/events|info)(\/|$)/;

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

/**
 * A browser call from a page this service served (the API docs' try-it, the dashboard): the
 * browser says so in `Sec-Fetch-Site`, or the `Origin` is the host the call was sent to.
 */
export function sameOrigin(req: Request, origin: string | undefined): boolean {
  if (origin === undefined) return false;
  if (req.headers['sec-fetch-site'] === 'same-origin') return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
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
    const licence = this.onPremiseKey(req);
    const apiKey = licence ?? extractApiKey(req);
    if (!apiKey) throw new AuthFailure('Authentication credentials were not provided.');
    const owner = await this.owners.owner(apiKey, () => this.keys.authenticate(apiKey));
    if (!owner) throw new AuthFailure('Invalid token.');
    const origin = typeof req.headers.origin === 'string' ? req.headers.origin : undefined;
    // The SDK's routes on premises: the machine is the operator's and CORS is open to every origin.
    const reason = licence
      ? null
      : refusalReason(owner.security, { ip: req.ip, origin, sameOrigin: sameOrigin(req, origin) });
    if (reason) throw new AuthFailure(reason, true);
    requestContext(req).apiKey = apiKey;
    this.lastUsed.touch(owner.keyId);
    return owner;
  }

  /**
   * In on-premise mode the SDK's routes act as the licence's account, whatever `Authorization`
   * says: the SDK ignores the token, and clients that always send one (the Node-RED node, Home
   * Assistant's integration) must work unchanged.
   */
  private onPremiseKey(req: Request): string | undefined {
    if (this.config.PLATEWISE_MODE !== 'onprem') return undefined;
    return ONPREM_OPEN_ROUTES.test(req.path) ? this.config.PLATEWISE_LICENSE_KEY : undefined;
  }
}
