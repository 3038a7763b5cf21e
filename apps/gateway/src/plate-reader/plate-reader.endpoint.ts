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
import { Metered, ReservesQuotaItself } from '../quota/metered';
import { PlateReaderService } from './plate-reader.service';
import { UploadInterceptor } from './upload.interceptor';

/** Names the `config` keys a served call ignored (unknown to this engine), comma-separated. */
export const IGNORED_CONFIG_HEADER = 'X-Platewise-Ignored-Config';

/**
 * The Snapshot recognition route at `path`, for a controller to extend: the caller first
 * (Metered, with `auth` guards before the quota guard), then the body with the plan's limits
 * (UploadInterceptor), then the fields; only then a quota slot (see Metered).
 */
export function PlateReaderEndpoint(path: string, ...auth: Type<CanActivate>[]) {
  @Injectable()
  class Endpoint {
    // Public: a mixin class is part of the declaration output, which cannot name protected members.
    constructor(readonly plateReader: PlateReaderService) {}

    @Post(path)
    @HttpCode(201)
    @UseInterceptors(UploadInterceptor)
    @Metered('plate_reader', ...auth)
    @ReservesQuotaItself()
    async read(
      @Context() context: RequestContext,
      @Body() body: Record<string, unknown>,
      @UploadedFile() file: UploadedImage | undefined,
      @Res({ passthrough: true }) res: Response,
    ) {
      const answer = await this.plateReader.read(context, body, file);
      if (answer.ignoredConfig.length)
        res.setHeader(IGNORED_CONFIG_HEADER, answer.ignoredConfig.join(', '));
      return answer.body;
    }
  }
  return Endpoint;
}
