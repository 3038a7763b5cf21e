import {
  Body,
  type CanActivate,
  Header,
  HttpCode,
  Injectable,
  Post,
  Req,
  StreamableFile,
  type Type,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  ApiOkResponse,
  ApiProduces,
  getSchemaPath,
} from '@nestjs/swagger';
import type { UploadedImage } from '@platewise/recognition';
import type { Request } from 'express';
import { Context } from '../auth/request.decorators';
import type { RequestContext } from '../http/request-context';
import { UploadInterceptor } from '../plate-reader/upload.interceptor';
import { Metered, ReservesQuotaItself } from '../quota/metered';
import { REDACTION_EXAMPLE, RedactionResponseDoc, RedactRequestDoc } from './redact.dto';
import { RedactService } from './redact.service';

/**
 * The redaction route at `path`, for a controller to extend (the API one and the dashboard's
 * Try it): the caller first (Metered, with `auth` guards), then the body with the plan's limits
 * (UploadInterceptor), then the fields and the plan; only then a quota slot, counted as `redact`.
 * Answers the image itself, or its JSON form when the client accepts JSON and not images.
 */
export function RedactEndpoint(path: string, ...auth: Type<CanActivate>[]) {
  @Injectable()
  @ApiExtraModels(RedactionResponseDoc)
  class Endpoint {
    // Public: a mixin class is part of the declaration output, which cannot name protected members.
    constructor(readonly redactor: RedactService) {}

    @Post(path)
    @HttpCode(200)
    @Header('Cache-Control', 'no-store')
    @UseInterceptors(UploadInterceptor)
    @Metered('redact', ...auth)
    @ReservesQuotaItself()
    @ApiConsumes('multipart/form-data', 'application/json', 'application/x-www-form-urlencoded')
    @ApiBody({ type: RedactRequestDoc })
    @ApiProduces('image/jpeg', 'image/png', 'application/json')
    @ApiOkResponse({
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
    ) {
      const response = await this.redactor.redact(context, body, file);
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
