import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { AppConfig } from '../config/app-config';

/**
 * A plain pg pool for the queries on hot paths: the key lookup and usage increment of every
 * recognition call, and the usage figures of the account routes. Prisma adds a millisecond or
 * more of client-side work per query there; everywhere else PrismaService is the way to the
 * database.
 */
@Injectable()
export class SqlPool extends Pool implements OnApplicationShutdown {
  constructor(@Inject(AppConfig) config: AppConfig) {
    super({ connectionString: config.DATABASE_URL, max: 10 });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.end();
  }
}
