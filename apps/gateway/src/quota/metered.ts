import {
  applyDecorators,
  CallHandler,
  CanActivate,
  ExecutionContext,
  Injectable,
  NestInterceptor,
  Type,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { QuotaService, rateLimitHeaders, RequestType } from '@platewise/domain';
import type { Request, Response } from 'express';
import { catchError, concatMap, from, Observable, throwError } from 'rxjs';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { requestContext } from '../http/request-context';

/** Route metadata: the request type a metered route counts as. */
const RequestTypeOf = Reflector.createDecorator<RequestType>();

/** Takes a quota slot before the handler runs: 429 over the rate limit, 403 over the monthly limit. */
@Injectable()
export class QuotaGuard implements CanActivate {
  constructor(
    private readonly quota: QuotaService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const type = this.reflector.get(RequestTypeOf, context.getHandler());
    const ctx = requestContext(context.switchToHttp().getRequest<Request>());
    const owner = ctx.owner;
    if (!owner) throw new Error('a metered route needs a guard that sets the owner');
    const reservation = await ctx.timing.time('quota', () =>
      this.quota.reserve(owner.accountId, type, new Date(), owner.contract),
    );
    ctx.reservation = reservation;
    context.switchToHttp().getResponse<Response>().set(rateLimitHeaders(reservation.state));
    return true;
  }
}

/** Counts the call once it was served; gives the slot back when anything failed. */
@Injectable()
export class UsageInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const ctx = requestContext(context.switchToHttp().getRequest<Request>());
    const reservation = ctx.reservation;
    if (!reservation) return next.handle();
    // The count is written before the answer leaves, so a client that reads its usage right
    // after a call always sees that call.
    return next.handle().pipe(
      concatMap(async (value) => {
        await ctx.timing.time('commit', () => reservation.commit());
        return value;
      }),
      catchError((error) => from(reservation.release()).pipe(concatMap(() => throwError(() => error)))),
    );
  }
}

/**
 * Marks a route as a metered call of `type`: API key (or the given guards, which must set the
 * request context's `owner`), rate limit and quota, then usage counting. The recognition
 * route uses it with `plate_reader`, and so does the dashboard's "Try it".
 */
export const Metered = (type: RequestType, ...auth: Type<CanActivate>[]) =>
  applyDecorators(
    RequestTypeOf(type),
    UseGuards(...(auth.length > 0 ? auth : [ApiKeyGuard]), QuotaGuard),
    UseInterceptors(UsageInterceptor),
  );
