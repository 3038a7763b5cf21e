import { Body, Controller, HttpCode, Post, Req, UploadedFile, UseInterceptors } from '@nestjs/common';
import type { KeyOwner, Reservation } from '@platewise/domain';
import type { Request } from 'express';
import { CurrentAccount } from '../auth/current-account.decorator';
import { serverTiming } from '../metrics/server-timing';
import { Metered } from '../quota/metered';
import { PlateReaderService, UploadedImage } from './plate-reader.service';
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
    @CurrentAccount() owner: KeyOwner,
    @Body() body: Record<string, unknown>,
    @UploadedFile() file: UploadedImage | undefined,
    @Req() req: Request & { reservation: Reservation },
  ) {
    return this.plateReader.read(owner, body, file, req.reservation, serverTiming(req));
  }
}
