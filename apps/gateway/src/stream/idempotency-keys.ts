import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { RedisService, runScript } from '@platewise/infra';

/**
 * Token of how long, in milliseconds, a call's claim on an Idempotency-Key lasts unless renewed
 * (a provider, so that a test can shorten it and stall a call past it quickly).
 */
export const CLAIM_MS = 'StreamEventClaimMs';
/**
 * A live call renews its claim, so this bounds only how long the key of a gateway killed
 * mid-call stays held: free again before apps/stream's retries of the event end (15 s).
 */
export const DEFAULT_CLAIM_MS = 10_000;
/** Renewed at a third of the claim: a renewal late by one more period still finds it held. */
const RENEWALS_PER_CLAIM = 3;

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

// Extends the call's claim, only while the key still holds it (1); 0: it lapsed or was taken.
const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1`;

// The call is about to be counted: the key is remembered as taken (1), only while it still holds
// this call's claim. 0: the claim ran out or was lost (a pause longer than the claim, with no
// renewal to notice it), and a retry may have been taken and counted since: not counted twice.
const TAKEN = `
if redis.call('GET', KEYS[1]) ~= ARGV[2] then return 0 end
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
 * taken in the step that decides the call is counted, or dropped when it is not, for a retry to
 * be taken then.
 * While the call is alive its claim is renewed, however long it takes to be answered (a slow
 * PostgreSQL): a claim that ran out under a stalled call would let a retry be taken and counted
 * beside it, and usage must be exact. A gateway killed mid-call renews nothing, so its claim
 * lapses within the claim's length and the reporter's retry is taken. A gateway frozen longer
 * than the claim renews nothing either, yet comes back: taking the key checks the claim is still
 * its own, so such a call is not counted beside its retry (`taken`).
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
    if (held === null)
      return { state: 'claimed', claim: new KeyClaim(this.redis, key, value, this.claimMs) };
    return { state: held.startsWith(IN_FLIGHT) ? 'in-flight' : 'taken' };
  }
}

/**
 * One call's claim on its key, renewed from its start until it is remembered as taken or given
 * up. The caller must end it one of those two ways in every path (the call counted only once
 * `taken` said so, else given up); `stop` alone leaves the key to lapse. A renewal that finds the
 * key no longer its own stops too, so even a claim never ended renews at most once more.
 */
export class KeyClaim {
  private static readonly logger = new Logger('IdempotencyKeys');
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lapsed = false;
  /** `taken` was asked: its answer, not a renewal's, says whether the key is still this call's. */
  private taking = false;

  constructor(
    private readonly redis: RedisService,
    private readonly key: string,
    private readonly value: string,
    private readonly claimMs: number,
  ) {
    this.schedule();
  }

  /** Whether renewals are still scheduled (the call is neither taken nor given up). */
  get renewing(): boolean {
    return !this.stopped;
  }

  /**
   * Remembers the key as taken by this call, in one Redis step with checking that it still holds
   * this call's claim: true, and the call must be counted right after (with nothing awaited: from
   * here a retry is answered as a duplicate); false when the claim ran out or was lost meanwhile
   * (a retry may have been taken and counted), and the call must not be counted. Checked here,
   * not only by the renewals: a process paused longer than the claim ran none to notice.
   */
  async taken(): Promise<boolean> {
    this.taking = true;
    // Renewed until the key holds `done`: stopped first, a slow reply (EVALSHA answered
    // NOSCRIPT, then EVAL) could let it lapse before.
    try {
      // A renewal found it no longer this call's already (it ran out, a Redis failover lost it).
      if (this.lapsed) return false;
      const taken = await runScript<number>(this.redis, {
        lua: TAKEN,
        keys: [this.key],
        args: [REMEMBER_SECONDS, this.value],
      });
      return taken === 1;
    } finally {
      this.stop();
    }
  }

  /** Drops the claim of a call not counted, if it is still its own, so that a retry is taken. */
  async giveUp(): Promise<void> {
    this.stop();
    await runScript(this.redis, { lua: GIVE_UP, keys: [this.key], args: [this.value] });
  }

  /** Renews no more, and leaves the key as it is: held, it lapses within the claim's length. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  // One renewal at a time: the next is scheduled once the last one is answered.
  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.renew(), this.claimMs / RENEWALS_PER_CLAIM);
    // Never what keeps a process up: one shut down has answered its calls already.
    this.timer.unref();
  }

  private async renew(): Promise<void> {
    try {
      const renewed = await runScript<number>(this.redis, {
        lua: RENEW,
        keys: [this.key],
        args: [this.value, this.claimMs],
      });
      // Taken or given up meanwhile: the key holds `done` or nothing, as it should.
      if (this.stopped) return;
      if (renewed !== 1) {
        // Answered after `taken` ran: its own answer says whether the key was still this call's.
        if (this.taking) return;
        this.lapsed = true;
        this.stop();
        KeyClaim.logger.warn(
          `the Idempotency-Key claim ${this.key} lapsed while its call was in progress`,
        );
        return;
      }
    } catch (error) {
      // Redis away for a moment: tried again at the next period, while the claim may still hold.
      if (!this.stopped)
        KeyClaim.logger.warn(
          `renewing the Idempotency-Key claim ${this.key} failed: ${error instanceof Error ? error.message : String(error)}`,
        );
    }
    this.schedule();
  }
}
