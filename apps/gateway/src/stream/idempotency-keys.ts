import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { RedisService, runScript } from '@platewise/infra';

/**
 * Token of how long, in milliseconds, a call holds an Idempotency-Key before it is counted or
 * given back (a provider, so that a test can shorten it and stall a call past it quickly).
 */
export const CLAIM_MS = 'StreamEventClaimMs';
/**
 * Far beyond the milliseconds this route takes, yet short enough that a key left held by a
 * gateway killed mid-call is free again before apps/stream's retries of the event end (15 s).
 */
export const DEFAULT_CLAIM_MS = 10_000;

/** How long an Idempotency-Key is remembered: a reporter's retries end within a minute. */
const REMEMBER_SECONDS = 86_400;
/** A held key's value starts so; a taken one's does not (`done`; `1` from earlier versions). */
const IN_FLIGHT = 'in-flight:';

// Claims the key for one call unless it is set already; returns what it holds (nil: claimed).
const CLAIM = `
local held = redis.call('GET', KEYS[1])
if held then return held end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return false`;

// The call was counted: the key is remembered as taken (1), unless a call beside it, taken once
// its claim had run out, was counted first (0: deliver nothing twice).
const TAKEN = `
local held = redis.call('GET', KEYS[1])
if held and string.sub(held, 1, #ARGV[2]) ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[1], 'done', 'EX', ARGV[1])
return 1`;

// The call was not counted: its claim is dropped, if it is still its own, so a retry is taken.
const GIVE_UP = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`;

/** What claiming a key found: claimed for this call, held by a call in flight, or taken. */
export type Claimed =
  { state: 'claimed'; claim: KeyClaim } | { state: 'in-flight' } | { state: 'taken' };

/**
 * The Idempotency-Keys of stream events in Redis: a call claims its key in one step before its
 * quota slot is taken, so two calls with one key never both pass; the key is then remembered as
 * taken once the call is counted, or dropped when it is not, for a retry to be taken then.
 */
@Injectable()
export class IdempotencyKeys {
  constructor(
    private readonly redis: RedisService,
    @Inject(CLAIM_MS) private readonly claimMs: number,
  ) {}

  async claim(key: string): Promise<Claimed> {
    const value = `${IN_FLIGHT}${randomUUID()}`;
    const held = await runScript<string | null>(this.redis, {
      lua: CLAIM,
      keys: [key],
      args: [value, this.claimMs],
    });
    if (held === null) return { state: 'claimed', claim: new KeyClaim(this.redis, key, value) };
    return { state: held.startsWith(IN_FLIGHT) ? 'in-flight' : 'taken' };
  }
}

/** One call's claim on its key, until it is remembered as taken or given up. */
export class KeyClaim {
  constructor(
    private readonly redis: RedisService,
    private readonly key: string,
    private readonly value: string,
  ) {}

  /** Remembers the counted call's key as taken; false when a call beside it was counted first. */
  async taken(): Promise<boolean> {
    const taken = await runScript<number>(this.redis, {
      lua: TAKEN,
      keys: [this.key],
      args: [REMEMBER_SECONDS, IN_FLIGHT],
    });
    return taken === 1;
  }

  /** Drops the claim of a call not counted, if it is still its own, so that a retry is taken. */
  async giveUp(): Promise<void> {
    await runScript(this.redis, { lua: GIVE_UP, keys: [this.key], args: [this.value] });
  }
}
