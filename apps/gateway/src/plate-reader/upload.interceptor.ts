import {
  BadRequestException,
  CallHandler,
  ExecutionContext,
  HttpException,
  Injectable,
  NestInterceptor,
  RequestTimeoutException,
  UnsupportedMediaTypeException,
} from '@nestjs/common';
import { AppConfig, checkJsonText } from '@platewise/infra';
import { tooLarge } from '@platewise/recognition';
import express, { type Request, type RequestHandler, type Response } from 'express';
import multer from 'multer';
import { from, Observable, switchMap } from 'rxjs';
import { requestContext } from '../http/request-context';
import { NO_PLAN } from './no-plan';

/**
 * Reads the body of a recognition call, which no global parser touches (bootstrap.ts): only once
 * the key is known (guards run first), with the limits of the caller's plan — the `upload` file
 * up to the plan's size, base64 text up to that size in base64 (percent-encoded in a urlencoded
 * body), in a multipart form, a JSON or a urlencoded body — and within HTTP_BODY_TIMEOUT_MS. A
 * body that never ends is answered 408 and holds no quota slot: the slot is taken after the body
 * is read and the fields are checked.
 */
@Injectable()
export class UploadInterceptor implements NestInterceptor {
  constructor(private readonly config: AppConfig) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const ctx = requestContext(req);
    if (!ctx.owner) throw new Error('UploadInterceptor needs a guard that sets the owner');
    const limit = ctx.owner.contract?.plan.maxUploadBytes ?? NO_PLAN.maxUploadBytes;
    const parsed = ctx.timing.time('upload', () =>
      this.parse(parserFor(req, limit), req, res, limit),
    );
    return from(parsed).pipe(switchMap(() => next.handle()));
  }

  private parse(parser: RequestHandler, req: Request, res: Response, limit: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const seconds = Math.round(this.config.HTTP_BODY_TIMEOUT_MS / 100) / 10;
        // The connection closes after the answer: the rest of the body will not be read.
        res.setHeader('Connection', 'close');
        reject(
          new RequestTimeoutException({
            detail: `The request body did not arrive within ${seconds} s; the call was not counted.`,
          }),
        );
      }, this.config.HTTP_BODY_TIMEOUT_MS);
      parser(req, res, (error?: unknown) => {
        clearTimeout(timer);
        if (!error) return resolve();
        reject(bodyError(error, limit));
      });
    });
  }
}

function parserFor(req: Request, limit: number): RequestHandler {
  const text = Math.ceil(limit / 3) * 4 + 4096; // the image in base64, plus the other fields
  if (req.is('multipart/form-data')) {
    return multer({
      storage: multer.memoryStorage(),
      limits: { fileSize: limit, files: 1, fields: 64, fieldSize: text },
      // browsers, curl and Python requests send a file name's UTF-8 bytes without a charset
      defParamCharset: 'utf8',
    }).single('upload');
  }
  if (req.is('application/x-www-form-urlencoded'))
    return express.urlencoded({
      // Percent-encoding writes each of base64's `+`, `/` and `=` as three bytes (`%2B`): the
      // body may be three times the text. The image's decoded size is checked after (413).
      limit: 3 * text,
      extended: true,
      parameterLimit: 64,
    });
  const type = req.headers['content-type'];
  // A body of another type (an image posted raw, text) is refused as Django REST Framework refuses
  // it, unread: the connection closes after the answer.
  if (type && !req.is('application/json'))
    return (_req, res, next) => {
      res.setHeader('Connection', 'close');
      next(
        new UnsupportedMediaTypeException({
          detail: `Unsupported media type "${type}" in request. Send a multipart form, a urlencoded form or JSON.`,
        }),
      );
    };
  // JSON, or no body at all.
  return express.json({ limit: text, verify: checkJsonText });
}

function bodyError(error: unknown, limit: number): Error {
  if (error instanceof HttpException) return error;
  const { code, type } = error as { code?: string; type?: string };
  if (code === 'LIMIT_FILE_SIZE' || code === 'LIMIT_FIELD_VALUE' || type === 'entity.too.large')
    return tooLarge(limit);
  if (type === 'entity.parse.failed')
    return new BadRequestException({ detail: 'The body is not valid JSON.' });
  return new BadRequestException({ detail: `Malformed body: ${(error as Error).message}` });
}
