import { Injectable, Module } from '@nestjs/common';
import { HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { DatabaseModule } from '../database/database.module';
import { SqlPool } from '../database/sql-pool.service';
import { RedisModule, RedisService } from '../redis/redis.module';

/** A dependency that does not answer within this is reported down (a probe must never hang). */
const PING_TIMEOUT_MS = 1_500;

/**
 * Health indicators of what every app needs: PostgreSQL and Redis each answer a round trip. The
 * gateway's /health/ready and the worker's health server both report them.
 */
@Injectable()
export class DependenciesHealth {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly sql: SqlPool,
    private readonly redis: RedisService,
  ) {}

  postgres = () => this.ping('postgres', () => this.sql.query('SELECT 1'));

  redisPing = () => this.ping('redis', () => this.redis.ping());

  private async ping(key: string, probe: () => Promise<unknown>) {
    const check = this.indicators.check(key);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)),
        PING_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([probe(), timeout]);
      return check.up();
    } catch (error) {
      return check.down({ message: (error as Error).message });
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Terminus plus the dependency indicators. Needs ConfigModule. */
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), DatabaseModule, RedisModule],
  providers: [DependenciesHealth],
  exports: [TerminusModule, DependenciesHealth],
})
export class DependenciesHealthModule {}
