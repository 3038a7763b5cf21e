import { BadRequestException, CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { tooLarge } from '@platewise/recognition';
import type { Request, Response } from 'express';
import multer from 'multer';
import { from, Observable, switchMap } from 'rxjs';
import { requestContext } from '../http/request-context';

/**
 * Parses multipart bodies with the limits of the caller's plan (so it runs after the quota guard):
 * the `upload` file up to the plan's size, text fields up to that size in base64.
 */
@Injectable()
export class UploadInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request>();
    const state = requestContext(req);
    const limit = state.reservation?.plan.maxUploadBytes ?? 3 * 1048576;
    const parse = multer({
      storage: multer.memoryStorage(),
      limits: { fileSize: limit, files: 1, fields: 64, fieldSize: Math.ceil(limit / 3) * 4 + 256 },
    }).single('upload');
    const parsed = new Promise<void>((resolve, reject) =>
      parse(req, http.getResponse<Response>(), (error?: unknown) => {
        if (!error) return resolve();
        const code = (error as { code?: string }).code;
        if (code === 'LIMIT_FILE_SIZE' || code === 'LIMIT_FIELD_VALUE') return reject(tooLarge(limit));
        reject(new BadRequestException(`Malformed multipart body: ${(error as Error).message}`));
      }),
    );
    return from(state.timing.time('upload', () => parsed)).pipe(switchMap(() => next.handle()));
  }
}
