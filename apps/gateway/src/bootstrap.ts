import 'reflect-metadata';
import { INestApplication, Logger, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import cors from 'cors';
import { json, type RequestHandler } from 'express';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { AppConfig, loadConfig, checkJsonText } from '@platewise/infra';
import { serveDashboard } from './http/dashboard-static';
import { AppModule } from './app.module';
import { TimedExpressAdapter } from './http/http-server';
import { JsonBodyInterceptor } from './http/json-body';
import { JsonErrorsFilter } from './http/json-errors.filter';
import { serveApiDocs } from './openapi/api-docs';

/** Applies the HTTP settings every gateway shares (used by main.ts and the e2e tests). */
export function configureHttp(app: INestApplication, config: AppConfig): void {
  const express = app as NestExpressApplication;
  if (config.TRUST_PROXY) express.set('trust proxy', parseTrustProxy(config.TRUST_PROXY));
  express.disable('x-powered-by');
  // Small JSON bodies for every route but recognition, whose body is read only after its key is
  // checked, with the plan's limits (UploadInterceptor). Apps are created with bodyParser: false.
  // No other type is read: a route taking a body answers 415 to one (JsonBodyInterceptor).
  express.use(refuseNulInUrl);
  express.use(exceptRecognition(json({ limit: OTHER_BODY_LIMIT, verify: checkJsonText })));
  // The Snapshot API allows browser calls from every origin on the recognition route (and the
  // on-premise SDK on /info too); the account's exposeKey and domains then decide (api-key.strategy).
  const openCors = cors({ origin: '*', maxAge: 86400, exposedHeaders: EXPOSED_HEADERS });
  // Redaction takes the plate reader's inputs from the same clients, browsers included.
  express.use(['/v1/plate-reader', '/v1/plate-reader/', '/v1/redact', '/v1/redact/'], openCors);
  if (config.PLATEWISE_MODE === 'onprem') express.use(['/info', '/info/'], openCors);
  express.use('/v1/plate-reader', allowOnly('POST', '/v1/plate-reader/'));
  express.use('/v1/redact', allowOnly('POST', '/v1/redact/'));
  express.use('/v1/statistics', allowOnly('GET', '/v1/statistics/'));
  serveDashboard(app);
  serveApiDocs(app);
  app.useGlobalFilters(new JsonErrorsFilter());
  app.useGlobalInterceptors(new JsonBodyInterceptor());
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      stopAtFirstError: false,
    }),
  );
  // SIGTERM drains (HealthModule) and exits 0 once the calls in flight are answered.
  app.enableShutdownHooks(['SIGTERM', 'SIGINT'], { useProcessExit: true });
}

/** Answer headers a browser script may read: rate limits, when to retry, ignored config keys. */
const EXPOSED_HEADERS = [
  'RateLimit',
  'RateLimit-Policy',
  'Retry-After',
  'Server-Timing',
  'X-Platewise-Ignored-Config',
];

/** JSON bodies of the account, webhook and admin routes: a few KB at most in practice. */
const OTHER_BODY_LIMIT = '100kb';
/** The Snapshot and redaction routes and the dashboard's "Try it" of each, all read by UploadInterceptor. */
const RECOGNITION_ROUTE = /^\/(v1|account)\/(plate-reader|redact)\/?$/;

function exceptRecognition(parser: RequestHandler): RequestHandler {
  return (req, res, next) => (RECOGNITION_ROUTE.test(req.path) ? next() : parser(req, res, next));
}

/**
 * A NUL character (`%00`) in the path or query: no id, date or plate holds one, and PostgreSQL's
 * text refuses it (a `camera_id` filter holding one was a 500). Answered by JsonErrorsFilter.
 */
const refuseNulInUrl: RequestHandler = (req, _res, next) =>
  next(
    /%00/.test(req.originalUrl)
      ? Object.assign(new Error('The URL holds a NUL character (%00).'), { status: 400 })
      : undefined,
  );

/**
 * Other methods on a Snapshot API route: 405 with `Allow`, as Django REST Framework answers,
 * rather than Nest's 404 (the recognition routes' CORS preflights are answered above).
 */
const allowOnly =
  (method: 'GET' | 'POST', route: string): RequestHandler =>
  (req, res, next) => {
    const allowed = method === 'GET' ? ['GET', 'HEAD'] : ['POST', 'OPTIONS'];
    if (req.path !== '/' || allowed.includes(req.method)) return next();
    res
      .set('Allow', allowed.join(', '))
      .status(405)
      .json({ detail: `Only ${method} is allowed on ${route}.` });
  };

/** `true`, a hop count, or a list of trusted proxy addresses, as Express accepts them. */
function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true' || value === 'false') return value === 'true';
  return /^\d+$/.test(value) ? Number(value) : value;
}

export async function createGateway(config: AppConfig = loadConfig()): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), new TimedExpressAdapter(config), {
    logger: levelsFrom(config.LOG_LEVEL),
    bufferLogs: true,
    bodyParser: false,
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
  // On premises plates are read without a token, so by default only this machine may call.
  const host = config.HOST ?? (config.PLATEWISE_MODE === 'onprem' ? '127.0.0.1' : undefined);
  await (host ? app.listen(config.PORT, host) : app.listen(config.PORT));
  new Logger('Gateway').log(
    `platewise gateway listening on http://${host ?? 'localhost'}:${config.PORT}${host ? '' : ' (all interfaces)'}`,
  );
}
