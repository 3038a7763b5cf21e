import { Controller, Get, Res } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { DependenciesHealth } from '@platewise/infra';
import type { Response } from 'express';
import { DrainService } from './drain.service';
import { PlatewiseErrors, RouteDoc } from '../openapi/route-doc';
import { EXAMPLES } from '../openapi/examples';

/**
 * Probes for an orchestrator, open to all (they reveal only up/down). Live: the process answers.
 * Ready: PostgreSQL and Redis answer and the gateway is not shutting down.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly dependencies: DependenciesHealth,
    private readonly drain: DrainService,
  ) {}

  @RouteDoc({
    summary: 'Liveness probe: the process answers',
    auth: 'none',
    ok: { status: 200, schema: 'Health', example: EXAMPLES.health },
  })
  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @RouteDoc({
    summary: 'Readiness probe: PostgreSQL and Redis answer and the gateway is not shutting down',
    auth: 'none',
    ok: { status: 200, schema: 'Health', example: EXAMPLES.health },
  })
  @PlatewiseErrors(503)
  @Get('ready')
  async ready(@Res({ passthrough: true }) res: Response) {
    const serving = () => {
      const check = this.indicators.check('serving');
      return this.drain.draining ? check.down({ message: 'shutting down' }) : check.up();
    };
    try {
      return await this.health.check([
        serving,
        this.dependencies.postgres,
        this.dependencies.redisPing,
      ]);
    } catch (error) {
      // Terminus throws a 503 whose body is the full report: answer it as is.
      res.status(503);
      return (error as { getResponse(): unknown }).getResponse();
    }
  }
}
