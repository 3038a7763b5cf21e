import 'reflect-metadata';
import { INestApplication, Logger, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import cors from 'cors';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig, loadConfig } from '@platewise/infra';
import { serveDashboard } from './account-web/dashboard-static';
import { AppModule } from './app.module';
import { JsonErrorsFilter } from './http/json-errors.filter';
import { serveApiDocs } from './openapi/api-docs';

/** Applies the HTTP settings every gateway shares (used by main.ts and the e2e tests). */
export function configureHttp(app: INestApplication, config: AppConfig): void {
  const express = app as NestExpressApplication;
  if (config.TRUST_PROXY) express.set('trust proxy', parseTrustProxy(config.TRUST_PROXY));
  express.disable('x-powered-by');
  // Base64 images travel in JSON or urlencoded bodies; the plan's own size limit is checked later.
  express.useBodyParser('json', { limit: '16mb' });
  express.useBodyParser('urlencoded', { limit: '16mb', extended: true });
  // The Snapshot API allows browser calls from every origin on the recognition route.
  express.use(['/v1/plate-reader', '/v1/plate-reader/'], cors({ origin: '*', maxAge: 86400 }));
  serveDashboard(app);
  serveApiDocs(app);
  app.useGlobalFilters(new JsonErrorsFilter());
  app.useGlobalPipes(
    new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true, stopAtFirstError: false }),
  );
  app.enableShutdownHooks();
}

/** `true`, a hop count, or a list of trusted proxy addresses, as Express accepts them. */
function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

export async function createGateway(config: AppConfig = loadConfig()): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), {
    logger: levelsFrom(config.LOG_LEVEL),
    bufferLogs: true,
  });
  configureHttp(app, config);
  return app;
}

function levelsFrom(level: AppConfig['LOG_LEVEL']) {
  const all = ['error', 'warn', 'log', 'debug'] as const;
  return all.slice(0, all.indexOf(level) + 1) as unknown as ('error' | 'warn' | 'log' | 'debug')[];
}

export async function startGateway(): Promise<void> {
  const config = loadConfig();
  const app = await createGateway(config);
  await app.listen(config.PORT);
  new Logger('Gateway').log(`platewise gateway listening on http://localhost:${config.PORT}`);
}
