import {
  CanActivate,
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { AppConfig } from '@platewise/infra';
import type { Request } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** `Authorization: Bearer $ADMIN_TOKEN`; with no ADMIN_TOKEN configured the admin API is closed. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(private readonly config: AppConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const expected = this.config.ADMIN_TOKEN;
    if (!expected)
      throw new ForbiddenException('the admin API is disabled: set ADMIN_TOKEN to enable it');
    const header = context.switchToHttp().getRequest<Request>().headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    // Compare digests so the comparison takes the same time whatever the token's length.
    if (!match || !timingSafeEqual(digest(match[1]), digest(expected))) {
      throw new UnauthorizedException('missing or wrong admin token');
    }
    return true;
  }
}
