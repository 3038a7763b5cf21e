import {
  ExecutionContext,
  ForbiddenException,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { KeyOwner } from '@platewise/domain';
import type { Request } from 'express';
import { AuthFailure } from './api-key.strategy';
import { usesPlateRecognizerErrors } from '../http/error-style';
import { requestContext } from '../http/request-context';

/**
 * Authenticates API keys. Status codes follow each API being copied: Plate Recognizer (`/v1`,
 * `/info`) answers 403 for a missing or wrong key; Pl@ntNet (`/v2`) answers 401, and 403 only when
 * a valid key is refused by the account's security settings.
 */
@Injectable()
export class ApiKeyGuard extends AuthGuard('api-key') {
  override canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<Request>();
    return requestContext(req).timing.time(
      'auth',
      async () => (await super.canActivate(context)) as boolean,
    );
  }

  override handleRequest<T>(err: unknown, user: T, _info: unknown, context: ExecutionContext): T {
    if (user && !err) {
      requestContext(context.switchToHttp().getRequest<Request>()).owner =
        user as unknown as KeyOwner;
      return user;
    }
    if (!(err instanceof AuthFailure)) throw err;
    const req = context.switchToHttp().getRequest<Request>();
    if (err.refusedBySettings || usesPlateRecognizerErrors(req.path))
      throw new ForbiddenException(err.message);
    throw new UnauthorizedException(err.message);
  }
}
