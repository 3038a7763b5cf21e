import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { AppConfig } from '../config/app-config';

/**
 * A plain pg pool for the queries on hot paths: the key lookup and usage increment of every
 * recognition call, and the usage figures of the account routes. Prisma adds a millisecond or
 * more of client-side work per query there; everywhere else PrismaService is the way to the
 * database.
 *
 * PostgreSQL may end an idle connection at any time (restart, pg_terminate_backend, a proxy's
 * idle timeout): pg then emits 'error' on the pool, which would kill the process if nobody
 * listened. The pool has already dropped that client and opens a new one on the next query, so
 * the error is only logged; queries made while the server is away fail and are answered 503.
 */
@Injectable()
export class SqlPool extends Pool implements OnApplicationShutdown {
  private readonly logger = new Logger('SqlPool');

  constructor(@Inject(AppConfig) config: AppConfig) {
    super({ connectionString: config.DATABASE_URL, max: 10, connectionTimeoutMillis: 5_000 });
    this.on('error', (error) =>
      this.logger.warn(`idle database connection lost: ${error.message}`),
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.end();
  }
}
