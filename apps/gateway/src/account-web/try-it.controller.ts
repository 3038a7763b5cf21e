import {
  Body,
  CanActivate,
  Controller,
  ExecutionContext,
  HttpCode,
  Injectable,
  Post,
  UploadedFile,
  UseInterceptors,
} from '@nestjs/common';
import type { UploadedImage } from '@platewise/recognition';
import { Context } from '../auth/request.decorators';
import { requestContext, type RequestContext } from '../http/request-context';
import { PlateReaderService } from '../plate-reader/plate-reader.service';
import { UploadInterceptor } from '../plate-reader/upload.interceptor';
import { Metered, ReservesQuotaItself } from '../quota/metered';
import { SessionGuard } from './session.guard';
import { SessionOwners } from './session-owner';

/**
 * Gives a dashboard session the owner the quota guard and plate reader expect. Security settings
 * restrict where API keys may be used from; a session is no key, so they do not apply.
 */
@Injectable()
export class SessionCallerGuard implements CanActivate {
  constructor(private readonly owners: SessionOwners) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const ctx = requestContext(context.switchToHttp().getRequest());
    if (!ctx.session) throw new Error('SessionCallerGuard needs SessionGuard first');
    ctx.owner = await this.owners.ownerOf(ctx.session.accountId);
    return true;
  }
}

/** "Try it": the Snapshot recognition call made from the dashboard, metered and counted like any other. */
@Controller('account')
export class TryItController {
  constructor(private readonly plateReader: PlateReaderService) {}

  @Post('plate-reader')
  @HttpCode(201)
  @UseInterceptors(UploadInterceptor)
  @Metered('plate_reader', SessionGuard, SessionCallerGuard)
  @ReservesQuotaItself()
  read(
    @Context() context: RequestContext,
    @Body() body: Record<string, unknown>,
    @UploadedFile() file: UploadedImage | undefined,
  ) {
    return this.plateReader.read(context, body, file);
  }
}
