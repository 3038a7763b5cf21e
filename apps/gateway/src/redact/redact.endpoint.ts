import {
  applyDecorators,
  Body,
  type CanActivate,
  Header,
  HttpCode,
  Injectable,
  Post,
  Req,
  Res,
  StreamableFile,
  type Type,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiExtension,
  ApiExtraModels,
  ApiOperation,
  ApiProduces,
  ApiResponse,
  ApiSecurity,
  getSchemaPath,
} from '@nestjs/swagger';
import type { UploadedImage } from '@platewise/recognition';
import type { Request, Response } from 'express';
import { Context } from '../auth/request.decorators';
import type { RequestContext } from '../http/request-context';
import {
  MeteredPlateRecognizerErrors,
  PlatewiseErrors,
  RATE_LIMIT_HEADERS,
} from '../openapi/route-doc';
import { nameIgnoredConfig } from '../plate-reader/ignored-config';
import { ReadsItsOwnBody } from '../http/json-body';
import { UploadInterceptor } from '../plate-reader/upload.interceptor';
import { Metered, ReservesQuotaItself } from '../quota/metered';
import { REDACTION_EXAMPLE, RedactionResponseDoc, RedactRequestDoc } from './redact.dto';
import { RedactService } from './redact.service';

const REDACT_DESCRIPTION = [
  "The plate reader's inputs and rules (`upload` as a file or base64, `upload_url` fetched by the",
  'server, `regions`, `config`; the plan’s size limit), plus `hide` (plates, faces), `method` (blur,',
  'pixelate, solid), `strength` (1–10) and `format` (jpeg, png). `config.threshold_d` is the plate',
  'bar: the lower of it and 0.1 (not below 0.05); `config.mode: fast` takes one look instead of two',
  '(faster, less thorough); unknown `config` keys are ignored and named in the',
  '`X-Platewise-Ignored-Config` header, as on the plate reader. Allowed when the plan includes',
  'redaction (403 otherwise); counted as request type `redact`; only `200` is counted.',
].join('\n');

/**
 * The redaction route at `path`, for a controller to extend (the API one and the dashboard's
 * Try it): the caller first (Metered, with `auth` guards), then the body with the plan's limits
 * (UploadInterceptor), then the fields and the plan; only then a quota slot, counted as `redact`.
 * Answers the image itself, or its JSON form when the client accepts JSON and not images.
 */
export function RedactEndpoint(
  path: string,
  caller: 'key' | 'session',
  ...auth: Type<CanActivate>[]
) {
  @Injectable()
  @ApiExtraModels(RedactionResponseDoc)
  class Endpoint {
    // Public: a mixin class is part of the declaration output, which cannot name protected members.
    constructor(readonly redactor: RedactService) {}

    @Post(path)
    @HttpCode(200)
    @Header('Cache-Control', 'no-store')
    @UseInterceptors(UploadInterceptor)
    @ReadsItsOwnBody()
    @Metered('redact', ...auth)
    @ReservesQuotaItself()
    // Documented here rather than with @RouteDoc: the success has three media types.
    @ApiOperation({
      summary:
        caller === 'key'
          ? 'The same image back with every plate and face hidden (blur, pixelate or solid)'
          : '"Try it" → Redact: a redaction from the dashboard, counted like any other',
      description: REDACT_DESCRIPTION,
    })
    @(caller === 'key'
      ? applyDecorators(ApiSecurity('Token'), ApiSecurity('ApiKeyQuery'))
      : applyDecorators(ApiSecurity('Session'), ApiExtension('x-internal', true)))
    @(caller === 'key'
      ? MeteredPlateRecognizerErrors(400, 403, 408, 413, 415, 429, 503, 504)
      : PlatewiseErrors(400, 401, 403, 408, 413, 415, 429, 503, 504))
    @ApiConsumes('multipart/form-data', 'application/json', 'application/x-www-form-urlencoded')
    @ApiBody({ type: RedactRequestDoc })
    @ApiProduces('image/jpeg', 'image/png', 'application/json')
    @ApiResponse({
      status: 200,
      headers: RATE_LIMIT_HEADERS,
      description:
        'The photo, same size and orientation, every plate and face hidden: `image/jpeg`, or `image/png` for a PNG upload. With `Accept: application/json`, its JSON form.',
      content: {
        'image/jpeg': { schema: { type: 'string', format: 'binary' } },
        'image/png': { schema: { type: 'string', format: 'binary' } },
        'application/json': {
          schema: { $ref: getSchemaPath(RedactionResponseDoc) },
          example: REDACTION_EXAMPLE,
        },
      },
    })
    async redact(
      @Context() context: RequestContext,
      @Req() req: Request,
      @Body() body: Record<string, unknown>,
      @UploadedFile() file: UploadedImage | undefined,
      @Res({ passthrough: true }) res: Response,
    ) {
      const { body: response, ignoredConfig } = await this.redactor.redact(context, body, file);
      nameIgnoredConfig(res, ignoredConfig);
      if (wantsJson(req)) return response;
      return new StreamableFile(Buffer.from(response.image, 'base64'), {
        type: response.content_type,
      });
    }
  }
  return Endpoint;
}

/** JSON when the client prefers it to an image (`Accept: application/json`); no Accept: the image. */
const wantsJson = (req: Request): boolean =>
  req.accepts(['image/*', 'application/json']) === 'application/json';
