import {
  Body,
  type CanActivate,
  HttpCode,
  Injectable,
  Post,
  Res,
  type Type,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import type { UploadedImage } from '@platewise/recognition';
import type { Response } from 'express';
import { Context } from '../auth/request.decorators';
import type { RequestContext } from '../http/request-context';
import { PlateReaderBody } from '../openapi/plate-reader-body';
import { EXAMPLES } from '../openapi/examples';
import { MeteredPlateRecognizerErrors, PlatewiseErrors, RouteDoc } from '../openapi/route-doc';
import { Metered, ReservesQuotaItself } from '../quota/metered';
import { nameIgnoredConfig } from './ignored-config';
import { PlateReaderService } from './plate-reader.service';
import { ReadsItsOwnBody } from '../http/json-body';
import { UploadInterceptor } from './upload.interceptor';

const PLATE_READER_DESCRIPTION = [
  'Send the image as `upload` (file bytes in a multipart form, or base64 text in any body) or as',
  '`upload_url` (fetched by the server). When both come, `upload` is read and `upload_url` ignored:',
  'the specification makes `upload` the image and `upload_url` its alternative.',
  '',
  'Lenient where clients differ: `mmc` takes true/false/True/False/1/0/yes/no; `timestamp` any ISO',
  '8601 date-time (offset, `Z`, or `2019-08-19 13:11:25.123456`), answered in UTC; `regions` repeated,',
  'comma-separated or a JSON list; unknown `config` keys are ignored and named in the',
  '`X-Platewise-Ignored-Config` header. Answers carry the RateLimit headers; only `201` is counted.',
].join('\n');

/**
 * The Snapshot recognition route at `path`, for a controller to extend: the caller first
 * (Metered, with `auth` guards before the quota guard), then the body with the plan's limits
 * (UploadInterceptor), then the fields; only then a quota slot (see Metered).
 */
export function PlateReaderEndpoint(
  path: string,
  caller: 'key' | 'session',
  ...auth: Type<CanActivate>[]
) {
  @Injectable()
  class Endpoint {
    // Public: a mixin class is part of the declaration output, which cannot name protected members.
    constructor(readonly plateReader: PlateReaderService) {}

    @RouteDoc({
      summary:
        caller === 'key'
          ? 'Read plates in an image (Snapshot API)'
          : '"Try it": a recognition call from the dashboard, counted like any other',
      description: PLATE_READER_DESCRIPTION,
      auth: caller,
      internal: caller === 'session',
      metered: true,
      ok: { status: 201, schema: 'SnapshotResponse', example: EXAMPLES.snapshot },
    })
    @PlateReaderBody()
    @(caller === 'key'
      ? MeteredPlateRecognizerErrors(400, 403, 408, 413, 415, 429, 503, 504)
      : PlatewiseErrors(400, 401, 403, 408, 413, 415, 429, 503, 504))
    @Post(path)
    @HttpCode(201)
    @UseInterceptors(UploadInterceptor)
    @ReadsItsOwnBody()
    @Metered('plate_reader', ...auth)
    @ReservesQuotaItself()
    async read(
      @Context() context: RequestContext,
      @Body() body: Record<string, unknown>,
      @UploadedFile() file: UploadedImage | undefined,
      @Res({ passthrough: true }) res: Response,
    ) {
      const answer = await this.plateReader.read(context, body, file);
      nameIgnoredConfig(res, answer.ignoredConfig);
      return answer.body;
    }
  }
  return Endpoint;
}
