import { Injectable, Logger } from '@nestjs/common';
import { KEY_LAST_USED_HASH } from '@platewise/domain';
import { RedisService } from '@platewise/infra';

/** A gateway records a key's use at most once a minute: "last used" is shown to the minute. */
const RESOLUTION_MS = 60_000;

/**
 * Records when each API key last authenticated a call, in one Redis hash shared by every gateway
 * (read with the keys: ApiKeysService.listInUse).
 */
@Injectable()
export class KeyLastUsed {
  private readonly logger = new Logger('KeyLastUsed');
  private readonly written = new Map<string, number>();

  constructor(private readonly redis: RedisService) {}

  /** Fire and forget: a failed write must never fail the call it describes. */
  touch(keyId: string, now = Date.now()): void {
    if (now - (this.written.get(keyId) ?? 0) < RESOLUTION_MS) return;
    this.written.set(keyId, now);
    if (this.written.size > 10_000) this.written.clear();
    this.redis
      .hset(KEY_LAST_USED_HASH, keyId, new Date(now).toISOString())
      .catch((e: Error) => this.logger.warn(e.message));
  }
}
