import type { KeyOwner, Reservation, ReserveStep } from '@platewise/domain';
import type { DashboardSession } from '../auth/session/dashboard-session';
import type { Request } from 'express';
import { ServerTiming } from './server-timing';

/**
 * What the gateway learns about one request as it passes through: the API key and its owner
 * (ApiKeyGuard), or the dashboard session (SessionGuard), the quota slot it holds (Metered), and how long each phase took (every step;
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
