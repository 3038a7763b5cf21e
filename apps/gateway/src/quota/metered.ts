import {
  applyDecorators,
  CallHandler,
  CanActivate,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { KeyOwner, QuotaService, rateLimitHeaders, RequestType, Reservation } from '@platewise/domain';
import type { Request, Response } from 'express';
import { catchError, concatMap, from, Observable, throwError } from 'rxjs';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { serverTiming } from '../metrics/server-timing';

const REQUEST_TYPE = 'platewise:request-type';

type MeteredRequest = Request & { user: KeyOwner; reservation?: Reservation };

/** Takes a quota slot before the handler runs: 429 over the rate limit, 403 over the monthly limit. */
@Injectable()
export class QuotaGuard implements CanActivate {
  constructor(
    private readonly quota: QuotaService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const type = this.reflector.get<RequestType>(REQUEST_TYPE, context.getHandler());
    const req = context.switchToHttp().getRequest<MeteredRequest>();
    req.reservation = await serverTiming(req).time('quota', () =>
      this.quota.reserve(req.user.accountId, type, new Date(), req.user.contract),
    );
    context.switchToHttp().getResponse<Response>().set(rateLimitHeaders(req.reservation.state));
    return true;
  }
}

/** Counts the call once it was served; gives the slot back when anything failed. */
@Injectable()
export class UsageInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<MeteredRequest>();
    const reservation = req.reservation;
    if (!reservation) return next.handle();
    // The count is written before the answer leaves, so a client that reads its usage right
    // after a call always sees that call.
    return next.handle().pipe(
      concatMap(async (value) => {
        await serverTiming(req).time('commit', () => reservation.commit());
        return value;
      }),
      catchError((error) => from(reservation.release()).pipe(concatMap(() => throwError(() => error)))),
    );
  }
}

/**
 * Marks a route as a metered call of `type`: API key, rate limit and quota, then usage counting.
 * The recognition route uses it with `plate_reader`.
 */
export const Metered = (type: RequestType) =>
  applyDecorators(
    SetMetadata(REQUEST_TYPE, type),
    UseGuards(ApiKeyGuard, QuotaGuard),
    UseInterceptors(UsageInterceptor),
  );
