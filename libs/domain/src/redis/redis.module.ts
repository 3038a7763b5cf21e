import { Global, Inject, Injectable, Module, OnModuleDestroy } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../config/app-config';

/** Shared Redis connection; every key is namespaced by REDIS_PREFIX. */
@Injectable()
export class RedisService extends Redis implements OnModuleDestroy {
  constructor(@Inject(AppConfig) config: AppConfig) {
    super(config.REDIS_URL, { keyPrefix: config.REDIS_PREFIX, maxRetriesPerRequest: 2 });
  }

  async onModuleDestroy(): Promise<void> {
    await this.quit();
  }
}

@Global()
@Module({ providers: [RedisService], exports: [RedisService] })
export class RedisModule {}
