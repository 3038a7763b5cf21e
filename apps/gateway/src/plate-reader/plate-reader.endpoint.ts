import {
  Body,
  type CanActivate,
  HttpCode,
  Injectable,
  Post,
  type Type,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import type { UploadedImage } from '@platewise/recognition';
import { Context } from '../auth/request.decorators';
import type { RequestContext } from '../http/request-context';
import { Metered, ReservesQuotaItself } from '../quota/metered';
import { PlateReaderService } from './plate-reader.service';
import { UploadInterceptor } from './upload.interceptor';

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
    read(
      @Context() context: RequestContext,
      @Body() body: Record<string, unknown>,
      @UploadedFile() file: UploadedImage | undefined,
    ) {
      return this.plateReader.read(context, body, file);
    }
  }
  return Endpoint;
}
