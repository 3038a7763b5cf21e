import { BadRequestException, CallHandler, ExecutionContext, Injectable, NestInterceptor, PayloadTooLargeException } from '@nestjs/common';
import type { Reservation } from '@platewise/domain';
import type { Request, Response } from 'express';
import multer from 'multer';
import { from, Observable, switchMap } from 'rxjs';
import { serverTiming } from '../metrics/server-timing';

export const megabytes = (bytes: number) => `${Math.round((bytes / 1048576) * 10) / 10} MB`;

export function tooLarge(limit: number): PayloadTooLargeException {
  const message = `Image is too large: the maximum upload size is ${megabytes(limit)}.`;
  return new PayloadTooLargeException({ detail: message, error: message });
}

/**
 * Parses multipart bodies with the limits of the caller's plan (so it runs after the quota guard):
 * the `upload` file up to the plan's size, text fields up to that size in base64.
 */
@Injectable()
export class UploadInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const req = http.getRequest<Request & { reservation?: Reservation }>();
    const limit = req.reservation?.plan.maxUploadBytes ?? 3 * 1048576;
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
    return from(serverTiming(req).time('upload', () => parsed)).pipe(switchMap(() => next.handle()));
  }
}
