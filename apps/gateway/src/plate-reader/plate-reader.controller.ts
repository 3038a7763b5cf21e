import { Body, Controller, HttpCode, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import type { UploadedImage } from '@platewise/recognition';
import { Context } from '../auth/request.decorators';
import type { RequestContext } from '../http/request-context';
import { Metered, ReservesQuotaItself } from '../quota/metered';
import { PlateReaderService } from './plate-reader.service';
import { UploadInterceptor } from './upload.interceptor';

@Controller()
export class PlateReaderController {
  constructor(private readonly plateReader: PlateReaderService) {}

  /**
   * Snapshot API recognition. The key first (Metered), then the body with the plan's limits
   * (UploadInterceptor), then the fields; only then a quota slot (see Metered).
   */
  @Post('v1/plate-reader')
  @HttpCode(201)
  @UseInterceptors(UploadInterceptor)
  @Metered('plate_reader')
  @ReservesQuotaItself()
  read(
    @Context() context: RequestContext,
    @Body() body: Record<string, unknown>,
    @UploadedFile() file: UploadedImage | undefined,
  ) {
    return this.plateReader.read(context, body, file);
  }
}
