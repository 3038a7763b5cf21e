import { Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { connectRedis } from './connection';

/**
 * The shared Redis connection; every key is namespaced by REDIS_PREFIX. On Redis Cluster it is a
 * Cluster client, which has the same commands (see connectRedis), hence one type for both.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the class is the DI token, the interface its commands
export abstract class RedisService {
  static connect(config: AppConfig): RedisService {
    return connectRedis(config.REDIS_URL, {
      keyPrefix: config.REDIS_PREFIX,
      maxRetriesPerRequest: 2,
    }) as RedisService;
  }
}
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface RedisService extends Redis {}

/** Last step of shutdown, after job processors stopped (beforeApplicationShutdown). */
@Injectable()
class RedisShutdown implements OnApplicationShutdown {
  constructor(private readonly redis: RedisService) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit();
  }
}

@Module({
  providers: [
    { provide: RedisService, useFactory: RedisService.connect, inject: [AppConfig] },
    RedisShutdown,
  ],
  exports: [RedisService],
})
export class RedisModule {}
