import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { AppConfig, DependenciesHealth } from '@platewise/infra';
import { createServer, Server, ServerResponse } from 'node:http';
import { WorkerMetrics } from '../metrics/worker-metrics';

/**
 * A worker's small HTTP port (WORKER_HTTP_PORT; none when 0), for the orchestrator and
 * Prometheus: /health/live, /health/ready (models loaded, PostgreSQL and Redis answer, not
 * shutting down) and /metrics. It opens before the models load, so a starting worker is seen as
 * alive but not ready, and stays open until the worker has finished its jobs.
 */
@Injectable()
export class WorkerHttpServer
  implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('WorkerHttp');
  private server?: Server;
  private stopping = false;

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: WorkerMetrics,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly dependencies: DependenciesHealth,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.WORKER_HTTP_PORT === 0) return;
    this.server = createServer((req, res) => {
      this.answer(req.url ?? '/', res).catch((error: Error) =>
        send(res, 500, { status: 'error', message: error.message }),
      );
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.config.WORKER_HTTP_PORT, () => resolve());
    });
    this.logger.log(`health and metrics on port ${this.config.WORKER_HTTP_PORT}`);
  }

  beforeApplicationShutdown(): void {
    this.stopping = true;
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server!.close(resolve));
  }

  private async answer(url: string, res: ServerResponse): Promise<void> {
    const path = url.split('?')[0];
    if (path === '/health/live') return send(res, 200, { status: 'ok' });
    if (path === '/health/ready') {
      try {
        return send(
          res,
          200,
          await this.health.check([
            this.engineReady,
            this.dependencies.postgres,
            this.dependencies.redisPing,
          ]),
        );
      } catch (error) {
        return send(res, 503, (error as { getResponse(): unknown }).getResponse());
      }
    }
    if (path === '/metrics') {
      res.writeHead(200, { 'Content-Type': this.metrics.registry.contentType });
      res.end(await this.metrics.registry.metrics());
      return;
    }
    send(res, 404, { status: 'error', message: 'not found' });
  }

  private readonly engineReady = async () => {
    const check = this.indicators.check('engine');
    if (this.stopping) return check.down({ message: 'shutting down' });
    const loaded = (await this.metrics.modelsLoaded.get()).values[0]?.value === 1;
    return loaded ? check.up() : check.down({ message: 'loading models' });
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}
