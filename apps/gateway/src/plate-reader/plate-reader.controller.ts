import { Body, Controller, HttpCode, Post, UploadedFile, UseInterceptors } from '@nestjs/common';
import type { UploadedImage } from '@platewise/recognition';
import { Context } from '../auth/request.decorators';
import type { RequestContext } from '../http/request-context';
import { Metered } from '../quota/metered';
import { PlateReaderService } from './plate-reader.service';
import { UploadInterceptor } from './upload.interceptor';

@Controller()
export class PlateReaderController {
  constructor(private readonly plateReader: PlateReaderService) {}

  /**
   * Snapshot API recognition. Key, rate limit and quota first (Metered), then the body is parsed
   * with the plan's size limit (UploadInterceptor, inside Metered so a refused upload is not counted).
   */
  @Post('v1/plate-reader')
  @HttpCode(201)
  @UseInterceptors(UploadInterceptor)
  @Metered('plate_reader')
  read(
    @Context() context: RequestContext,
    @Body() body: Record<string, unknown>,
    @UploadedFile() file: UploadedImage | undefined,
  ) {
    return this.plateReader.read(context, body, file);
  }
}
