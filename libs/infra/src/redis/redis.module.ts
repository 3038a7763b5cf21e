import { Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';

/** Shared Redis connection; every key is namespaced by REDIS_PREFIX. */
@Injectable()
export class RedisService extends Redis implements OnApplicationShutdown {
  constructor(@Inject(AppConfig) config: AppConfig) {
    super(config.REDIS_URL, { keyPrefix: config.REDIS_PREFIX, maxRetriesPerRequest: 2 });
  }

  /** Last step of shutdown, after job processors stopped (beforeApplicationShutdown). */
  async onApplicationShutdown(): Promise<void> {
    await this.quit();
  }
}

@Module({ providers: [RedisService], exports: [RedisService] })
export class RedisModule {}
