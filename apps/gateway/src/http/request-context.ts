import type { KeyOwner, Reservation, ReserveStep } from '@platewise/domain';
import type { DashboardSession } from '../auth/session/dashboard-session';
import type { Request } from 'express';
import { ServerTiming } from './server-timing';

/**
 * Something a call delivers beyond its own answer (its webhook deliveries, its read for the
 * history and watchlists). Metered starts it right after it counts the call and never for a call
 * it gives back, so nothing reaches an account for a call it is not billed for.
 */
export interface CountedEffect {
  /** what the account misses when it fails, for the log ("webhook deliveries") */
  what: string;
  run(): Promise<void> | void;
  /**
   * run instead of `run` when the call ends uncounted (refused, failed, or its caller left before
   * the answer): undoes what the handler set aside for a counted call (a claimed Idempotency-Key)
   */
  notCounted?(): Promise<void> | void;
}

/**
 * What the gateway learns about one request as it passes through: the API key and its owner
 * (ApiKeyGuard), or the dashboard session (SessionGuard), the quota slot it holds and what to do once it is counted (Metered), and how long each phase took (every step;
 * the metrics middleware sends it back as `Server-Timing`). One typed object instead of
 * properties added to Express's request here and there.
 */
export interface RequestContext {
  timing: ServerTiming;
  owner?: KeyOwner;
  apiKey?: string;
  session?: DashboardSession;
  reservation?: Reservation;
  /**
   * takes the call's quota slot (set by Metered routes; the handler calls it once the request is
   * checked), with `then` run in the same atomic step once it is granted (the job's queueing)
   */
  reserve?: (then?: ReserveStep) => Promise<Reservation>;
  /**
   * has `effect` started once the call is counted (set by Metered routes): after its answer was
   * written with a success status, not awaited by it; a failure is logged, never the caller's.
   * Exactly one of its `run` and `notCounted` is started, however the call ends.
   */
  whenCounted?: (effect: CountedEffect) => void;
  /**
   * counts the call now, before its answer (set by Metered routes, for a handler that took its
   * slot): if its caller is still there and `check`, the last thing awaited before the count,
   * resolves true. A handler whose count must be one step with something it settles elsewhere
   * (its Idempotency-Key taken) makes that its check. Resolves whether the call was counted; once
   * it was not, the call is never counted and its handler should end it with an error.
   */
  countIf?: (check: () => Promise<boolean>) => Promise<boolean>;
}

const contexts = new WeakMap<Request, RequestContext>();

export function requestContext(req: Request): RequestContext {
  let context = contexts.get(req);
  if (!context) contexts.set(req, (context = { timing: new ServerTiming() }));
  return context;
}

/** The context of a request that passed ApiKeyGuard. */
export function authenticated(
  req: Request,
): Required<Pick<RequestContext, 'owner' | 'apiKey'>> & RequestContext {
  const context = requestContext(req);
  if (!context.owner || !context.apiKey) throw new Error('route needs ApiKeyGuard');
  return context as Required<Pick<RequestContext, 'owner' | 'apiKey'>> & RequestContext;
}
