import { Injectable } from '@nestjs/common';
import { AppConfig, RedisService } from '@platewise/infra';
import { createHash, randomBytes } from 'node:crypto';

export interface StoredSession {
  accountId: string;
  /** synchronizer token every state-changing request must echo in X-CSRF-Token */
  csrf: string;
  /** ms since the epoch; a password set after this ends the session */
  createdAt: number;
}

/** Redis keys hold a digest of the session id, so a Redis dump holds no usable cookie. */
const digest = (id: string) => createHash('sha256').update(id).digest('hex');
const sessionKey = (id: string) => `session:${digest(id)}`;
const accountSessionsKey = (accountId: string) => `account-sessions:${accountId}`;

/** Dashboard sessions in Redis, shared by every gateway; each account's are indexed to end them all. */
@Injectable()
export class SessionStore {
  constructor(
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {}

  async create(accountId: string): Promise<{ id: string; session: StoredSession }> {
    const id = randomBytes(32).toString('base64url');
    const session: StoredSession = {
      accountId,
      csrf: randomBytes(32).toString('base64url'),
      createdAt: Date.now(),
    };
    const ttl = this.config.SESSION_TTL_S;
    await this.redis
      .multi()
      .set(sessionKey(id), JSON.stringify(session), 'EX', ttl)
      .sadd(accountSessionsKey(accountId), digest(id))
      .expire(accountSessionsKey(accountId), ttl)
      .exec();
    return { id, session };
  }

  /** The session; null when unknown or expired (sessions last SESSION_TTL_S from sign-in, like the cookie). */
  async get(id: string): Promise<StoredSession | null> {
    const raw = await this.redis.get(sessionKey(id));
    return raw ? (JSON.parse(raw) as StoredSession) : null;
  }

  async end(id: string, accountId: string): Promise<void> {
    await this.redis
      .multi()
      .del(sessionKey(id))
      .srem(accountSessionsKey(accountId), digest(id))
      .exec();
  }

  /** Ends every session of the account, on every gateway. */
  async endAll(accountId: string): Promise<void> {
    const digests = await this.redis.smembers(accountSessionsKey(accountId));
    await this.redis
      .multi()
      .del(...digests.map((d) => `session:${d}`), accountSessionsKey(accountId))
      .exec();
  }
}
