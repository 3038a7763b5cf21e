import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { RedisService } from '@platewise/infra';

/** Failed sign-ins allowed per window, per username and per client address. */
export const LOGIN_LIMITS = { perUsername: 5, perAddress: 20, windowSeconds: 15 * 60 };

const failuresKey = (kind: 'user' | 'ip', value: string) =>
  `login-failures:${kind}:${value.toLowerCase()}`;

/**
 * Slows password guessing: after too many failures for one username (or from one address) sign-in
 * is refused with 429 until the window ends, even with the right password.
 */
@Injectable()
export class LoginThrottle {
  constructor(private readonly redis: RedisService) {}

  /** Throws 429 when either counter is spent. */
  async check(username: string, ip: string): Promise<void> {
    const [user, address] = await this.redis.mget(
      failuresKey('user', username),
      failuresKey('ip', ip),
    );
    if (Number(user) < LOGIN_LIMITS.perUsername && Number(address) < LOGIN_LIMITS.perAddress)
      return;
    const ttl = await this.redis.ttl(
      Number(user) >= LOGIN_LIMITS.perUsername
        ? failuresKey('user', username)
        : failuresKey('ip', ip),
    );
    const retryAfter = Math.max(1, ttl);
    throw new HttpException(
      {
        message: `Too many failed sign-ins. Try again in ${Math.ceil(retryAfter / 60)} minutes.`,
        retry_after: retryAfter,
      },
      HttpStatus.TOO_MANY_REQUESTS,
    );
  }

  async failed(username: string, ip: string): Promise<void> {
    const multi = this.redis.multi();
    for (const key of [failuresKey('user', username), failuresKey('ip', ip)]) {
      // The window starts with the first failure and is not extended by later ones.
      multi.incr(key).expire(key, LOGIN_LIMITS.windowSeconds, 'NX');
    }
    await multi.exec();
  }

  /** A successful sign-in forgets the username's failures (the address's stay). */
  async succeeded(username: string): Promise<void> {
    await this.redis.del(failuresKey('user', username));
  }
}
