/**
 * The signed-in dashboard user of a request that passed SessionGuard. Its own module: the request
 * context holds one, and the guard that sets it reads the request context.
 */
export interface DashboardSession {
  id: string;
  accountId: string;
  username: string;
  operator: boolean;
  csrf: string;
}
