import { Controller, Get, Header, UseGuards } from '@nestjs/common';
import { AdminTokenGuard } from '../auth/admin-token.guard';
import { MetricsService } from './metrics.service';
import { PlatewiseErrors, RouteDoc } from '../openapi/route-doc';
import { EXAMPLES } from '../openapi/examples';

/** Prometheus scrape endpoint for operators (same bearer token as the admin API). */
@Controller('metrics')
@UseGuards(AdminTokenGuard)
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @RouteDoc({
    summary: 'Prometheus metrics',
    auth: 'admin',
    ok: { status: 200, type: 'text/plain', example: EXAMPLES.metrics },
  })
  @PlatewiseErrors(401, 403)
  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  scrape(): Promise<string> {
    return this.metrics.scrape();
  }
}
