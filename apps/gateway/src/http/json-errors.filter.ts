import {
  ArgumentsHost,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Logger,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { MappedError, mapLibraryError } from './error-status';
import { usesPlateRecognizerErrors } from './error-style';
import { OutageLog } from './outage-log';
import { dropUnreadBody } from './unread-body';

/**
 * Every error leaves as JSON. Plate Recognizer routes get `{"detail": "..."}` (plus any fields the
 * exception carries, such as `status_code` on 429); the others get
 * `{"statusCode", "error", "message"}` like Pl@ntNet. Unexpected errors are logged and answered
 * with a 500 that reveals nothing internal; when Redis or PostgreSQL cannot be reached, with a 503
 * and a retry hint (the call was not counted: UsageInterceptor gave its slot back).
 */
@Catch()
export class JsonErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');
  private readonly outages = new OutageLog(this.logger);

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const req = ctx.getRequest<Request>();
    const res = ctx.getResponse<Response>();
    const { status, message, extra, headers } = describe(exception);
    if (isOutage(exception)) this.outages.report(exception as Error);
    else if (
      status >= 500 &&
      !(exception instanceof HttpException) &&
      !mapLibraryError(exception)
    ) {
      this.logger.error(`${req.method} ${req.path}: ${(exception as Error)?.stack ?? exception}`);
    }
    // Answers that say when to retry (503, 504) say it in the standard header too.
    if (typeof extra.retry_after === 'number' && !res.headersSent)
      res.setHeader('Retry-After', String(extra.retry_after));
    if (headers && !res.headersSent) res.set(headers);
    dropUnreadBody(req, res);
    const body = usesPlateRecognizerErrors(req.path)
      ? { detail: message, ...extra }
      : { statusCode: status, error: reasonPhrase(status), message, ...withoutKey(extra, 'error') };
    if (res.headersSent) return;
    // A route's own headers (a CSV export's type and attachment name) were set before it failed,
    // and Express keeps a Content-Type already set: the error would download as the file.
    res.removeHeader('Content-Disposition');
    res.status(status).type('application/json').json(body);
  }
}

/** Status, message and extra body fields of any error. */
function describe(exception: unknown): MappedError {
  if (exception instanceof HttpException) {
    return {
      status: exception.getStatus(),
      message: messageOf(exception),
      extra: extraFields(exception.getResponse()),
    };
  }
  const mapped = mapLibraryError(exception);
  if (mapped) return mapped;
  if (isOutage(exception)) {
    const message = `The service is temporarily unavailable. Retry in ${OUTAGE_RETRY_SECONDS} seconds.`;
    return {
      status: HttpStatus.SERVICE_UNAVAILABLE,
      message,
      extra: { retry_after: OUTAGE_RETRY_SECONDS },
    };
  }
  if (exception instanceof RangeError) {
    // A stack overflow or an impossible length while reading what the caller sent: too complex.
    return {
      status: HttpStatus.BAD_REQUEST,
      message: 'The request is too large or too deeply nested to be read.',
      extra: {},
    };
  }
  const status = errorStatus(exception);
  return {
    status,
    message: status >= 500 ? 'Internal server error' : messageOf(exception),
    extra: {},
  };
}

const OUTAGE_RETRY_SECONDS = 5;
/** Socket errors, ioredis giving up on a command, PostgreSQL refusing or dropping connections. */
const OUTAGE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  '57P01',
  '57P03',
  '53300',
]);
const OUTAGE_NAMES = new Set(['MaxRetriesPerRequestError']);
const OUTAGE_MESSAGES =
  /^(Connection is closed\.|Connection terminated( unexpectedly)?|timeout exceeded when trying to connect)/;

/** Whether the error means Redis or the database cannot be reached right now (also via `cause`). */
function isOutage(exception: unknown, depth = 0): boolean {
  if (!(exception instanceof Error) || depth > 3) return false;
  const code = (exception as { code?: unknown }).code;
  if ((typeof code === 'string' && OUTAGE_CODES.has(code)) || OUTAGE_NAMES.has(exception.name))
    return true;
  if (OUTAGE_MESSAGES.test(exception.message)) return true;
  return isOutage((exception as { cause?: unknown }).cause, depth + 1);
}

/** Errors raised by Express middleware (body parser: 413, bad JSON: 400) carry their status. */
function errorStatus(exception: unknown): number {
  const status = (exception as { status?: unknown })?.status;
  return typeof status === 'number' && status >= 400 && status < 600
    ? status
    : HttpStatus.INTERNAL_SERVER_ERROR;
}

function messageOf(exception: unknown): string {
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    if (typeof response === 'string') return response;
    const r = response as { detail?: unknown; message?: unknown };
    if (typeof r.detail === 'string') return r.detail;
    if (Array.isArray(r.message)) return r.message.join('; ');
    if (typeof r.message === 'string') return r.message;
    return exception.message;
  }
  return exception instanceof Error ? exception.message : String(exception);
}

const STANDARD_FIELDS = new Set(['detail', 'message', 'statusCode', 'error']);

/**
 * Fields beyond the message that an exception chose to expose (`status_code` on 429, `error` on
 * 413). Nest's own `error` (the reason phrase) is dropped; ours comes with a `detail`.
 */
function extraFields(response: string | object): Record<string, unknown> {
  if (typeof response === 'string') return {};
  const ours = 'detail' in response;
  return Object.fromEntries(
    Object.entries(response).filter(
      ([key]) => !STANDARD_FIELDS.has(key) || (ours && key === 'error'),
    ),
  );
}

const withoutKey = (o: Record<string, unknown>, key: string) =>
  Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));

function reasonPhrase(status: number): string {
  const name = HttpStatus[status];
  return name
    ? name
        .toLowerCase()
        .split('_')
        .map((w) => w[0].toUpperCase() + w.slice(1))
        .join(' ')
    : 'Error';
}
