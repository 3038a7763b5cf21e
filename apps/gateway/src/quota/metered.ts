import {
  applyDecorators,
  CallHandler,
  CanActivate,
  ExecutionContext,
  Injectable,
  Logger,
  NestInterceptor,
  SetMetadata,
  Type,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  NotificationsService,
  quotaNotices,
  QuotaRefusedError,
  QuotaService,
  rateLimitHeaders,
  Reservation,
  RequestType,
} from '@platewise/domain';
import type { Request, Response } from 'express';
import { catchError, concatMap, from, Observable, switchMap, tap, throwError } from 'rxjs';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { CountedEffect, requestContext } from '../http/request-context';
import { MetricsService } from '../metrics/metrics.service';

/** Route metadata: the request type a metered route counts as. */
const RequestTypeOf = Reflector.createDecorator<RequestType>();
const RESERVES_ITSELF = 'platewise:reserves-quota-itself';

/**
 * Marks a metered route whose handler takes its quota slot itself, through `context.reserve()`,
 * once it has read and checked the request: a malformed request then never spends a slot, not
 * even the per-second one. Other metered routes take it before the handler runs.
 */
export const ReservesQuotaItself = () => SetMetadata(RESERVES_ITSELF, true);

/**
 * Meters a call of the route's request type: takes its quota slot (429 over the rate limit, 403
 * over the monthly limit, both with the RateLimit headers), counts the call once it was served
 * (or before its answer, through `countIf`), then starts what the call delivers beyond its answer
 * (`whenCounted`), and gives the slot back when anything failed after it was taken.
 */
@Injectable()
export class UsageInterceptor implements NestInterceptor {
  private readonly logger = new Logger('Metered');

  constructor(
    private readonly quota: QuotaService,
    private readonly reflector: Reflector,
    private readonly metrics: MetricsService,
    private readonly notifications: NotificationsService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const type = this.reflector.get(RequestTypeOf, context.getHandler());
    const reservesItself =
      this.reflector.get<boolean | undefined>(RESERVES_ITSELF, context.getHandler()) ?? false;
    const ctx = requestContext(context.switchToHttp().getRequest<Request>());
    const owner = ctx.owner;
    if (!owner) throw new Error('a metered route needs a guard that sets the owner');
    const res = context.switchToHttp().getResponse<Response>();
    let reserving: Promise<Reservation> | undefined;
    const effects: CountedEffect[] = [];
    ctx.whenCounted = (effect) => void effects.push(effect);
    // Once per call, whichever way it ends first: each effect's `run` or its `notCounted`.
    let settled = false;
    const settle = (counted: boolean) => {
      if (settled) return;
      settled = true;
      this.start(effects, counted);
    };
    // Once per call, however often it is asked.
    ctx.reserve = (then) =>
      (reserving ??= ctx.timing
        .time('quota', () =>
          this.quota.reserve(owner.accountId, type, new Date(), owner.contract, then),
        )
        .then((reservation) => {
          ctx.reservation = reservation;
          res.set(rateLimitHeaders(reservation.state));
          return reservation;
        })
        .catch((error: unknown) => {
          if (error instanceof QuotaRefusedError)
            this.metrics.quotaRefusals.inc({ reason: error.reason });
          throw error;
        }));
    // 80, 90, 95 % and the limit: told once per period, queued without waiting. Only for a
    // counted call: a slot given back (the caller left before its answer) would use up the
    // threshold's one notice, and the call that really reaches it would send none.
    const notify = ({ state }: Reservation) => {
      const plan = owner.contract?.plan;
      const terms = plan && {
        allowAboveQuota: plan.allowAboveQuota,
        aboveQuotaUnitPrice: plan.aboveQuotaUnitPrice.toNumber(),
      };
      for (const notice of quotaNotices(state, state.periodStart, terms))
        this.notifications.notifyLater(owner.accountId, notice);
    };
    // Set once `countIf` would not count the call: it is then not counted at its answer either.
    let declined = false;
    ctx.countIf = async (check) => {
      const reservation = ctx.reservation;
      if (!reservation) throw new Error('countIf needs the call to hold its quota slot');
      if (settled || declined) throw new Error('countIf asked twice');
      // A caller gone already is not billed, as at the answer (its slot is given back once the
      // handler ends). One that leaves while `check` runs is: what the check settled (its key
      // taken) stands for the count, so the count follows it whatever the caller does.
      if (res.closed || !(await check())) {
        declined = true;
        return false;
      }
      // Nothing awaited between the check and the count: a process paused there resumes into
      // the count, and only one killed there leaves the call uncounted (as one killed between its
      // answer and the journal's write does).
      void reservation.commit();
      settle(true);
      notify(reservation);
      return true;
    };
    const handled = reservesItself
      ? next.handle()
      : from(ctx.reserve()).pipe(switchMap(() => next.handle()));
    return handled.pipe(
      tap(() => {
        // Counted before its answer already (countIf).
        if (settled) return;
        const reservation = ctx.reservation;
        // Served without a slot (nothing to count): nothing it set aside is delivered.
        if (!reservation) return settle(false);
        if (declined) {
          void reservation.release();
          return settle(false);
        }
        countOnceAnswered(res, reservation, (counted) => {
          settle(counted);
          if (counted) notify(reservation);
        });
      }),
      catchError((error) => {
        settle(false);
        return from(ctx.reservation?.release() ?? Promise.resolve()).pipe(
          concatMap(() => throwError(() => error)),
        );
      }),
    );
  }

  /**
   * Each effect on its own (`run` for a counted call, else `notCounted`): the answer is written
   * already, so a failure is only logged.
   */
  private start(effects: CountedEffect[], counted: boolean): void {
    for (const effect of effects)
      Promise.resolve()
        .then(() => (counted ? effect.run() : effect.notCounted?.()))
        .catch((error: unknown) =>
          this.logger.error(
            counted
              ? `${effect.what} of a counted call lost: ${describe(error)}`
              : `undoing ${effect.what} of an uncounted call failed: ${describe(error)}`,
          ),
        );
  }
}

/**
 * A served call is counted once its answer has been written: the journal's write then follows
 * the answer instead of holding it (written before it, the answer came 0.4–0.8 ms later, paired:
 * docs/gateway-latency.md), and a caller gone before its answer is not billed for it. The cost:
 * a gateway killed between the answer and this write (microseconds, but a client woken by the
 * answer can run first) leaves that call uncounted; it never bills an unanswered one. The count
 * is made right after the write, before this process reads another request, so a client that
 * reads its usage after a call sees it (UsageJournal.settled). What the call delivers beyond its
 * answer (`settled(true)`: webhook deliveries, the read history) starts right after the count and
 * only with it, so it shares its window: a gateway killed before it loses them for a call it
 * leaves uncounted, and a caller gone before its answer gets neither (`settled(false)`, once its
 * slot is given back: what the handler set aside for a counted call is undone). A call whose
 * count must be one step with something settled elsewhere is counted before its answer instead
 * (`countIf`: an Idempotency-Key taken only while it is still the call's own).
 */
function countOnceAnswered(
  res: Response,
  reservation: Reservation,
  settled: (counted: boolean) => void,
): void {
  const giveBack = () => {
    void reservation.release();
    settled(false);
  };
  if (res.closed) return giveBack();
  res.once('finish', () => {
    if (res.statusCode >= 400) return giveBack();
    void reservation.commit();
    settled(true);
  });
  // After `finish` the slot is settled already and this does nothing.
  res.once('close', giveBack);
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Marks a route as a metered call of `type`: API key (or the given guards, which must set the
 * request context's `owner`), rate limit and quota, then usage counting. The recognition
 * route uses it with `plate_reader` (and ReservesQuotaItself), and so does the dashboard's "Try it".
 */
export const Metered = (type: RequestType, ...auth: Type<CanActivate>[]) =>
  applyDecorators(
    RequestTypeOf(type),
    UseGuards(...(auth.length > 0 ? auth : [ApiKeyGuard])),
    UseInterceptors(UsageInterceptor),
  );
