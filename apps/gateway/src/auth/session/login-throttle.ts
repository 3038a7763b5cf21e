import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { RedisService } from '@platewise/infra';

/** Sign-in attempts allowed per window, per username and per client address. */
export const LOGIN_LIMITS = { perUsername: 5, perAddress: 20, windowSeconds: 15 * 60 };

const attemptsKey = (kind: 'user' | 'ip', value: string) =>
  `login-failures:${kind}:${value.toLowerCase()}`;

/** Gives back an address's attempt after a success; never below zero, never a new key. */
const GIVE_BACK = `
if redis.call('DECR', KEYS[1]) <= 0 then redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Slows password guessing. Each sign-in takes an attempt for its username and its address before
 * the password is checked, in one atomic step, so concurrent guesses cannot all pass a count read
 * before any of them was recorded; over the limit, sign-in is refused with 429 until the window
 * ends, even with the right password. A success gives its attempts back.
 */
@Injectable()
export class LoginThrottle {
  constructor(private readonly redis: RedisService) {}

  /** Takes one attempt for the username and the address; throws 429 when either is spent. */
  async take(username: string, ip: string): Promise<void> {
    const user = attemptsKey('user', username);
    const address = attemptsKey('ip', ip);
    // The window starts with the first attempt and is not extended by later ones.
    const replies = await this.redis
      .multi()
      .incr(user)
      .expire(user, LOGIN_LIMITS.windowSeconds, 'NX')
      .incr(address)
      .expire(address, LOGIN_LIMITS.windowSeconds, 'NX')
      .ttl(user)
      .ttl(address)
      .exec();
    const [userCount, , addressCount, , userTtl, addressTtl] = (replies ?? []).map(
      ([error, value]) => {
        if (error) throw error;
        return Number(value);
      },
    );
    const overUser = userCount > LOGIN_LIMITS.perUsername;
    if (!overUser && addressCount <= LOGIN_LIMITS.perAddress) return;
    const retryAfter = Math.max(1, overUser ? userTtl : addressTtl);
    throw new HttpException(
      {
        message: `Too many failed sign-ins. Try again in ${Math.ceil(retryAfter / 60)} minutes.`,
        retry_after: retryAfter,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }

  /** A successful sign-in forgets the username's attempts and gives the address its one back. */
  async succeeded(username: string, ip: string): Promise<void> {
    await this.redis.del(attemptsKey('user', username));
    await this.redis.eval(GIVE_BACK, 1, attemptsKey('ip', ip));
  }
}
