import type { RouteDocOptions } from './route-doc';

export type QueryParam = NonNullable<RouteDocOptions['query']>[number];

/**
 * The documentation of a query DTO, one entry per field: a field added to the DTO does not
 * compile until it is documented, and every route that reads the DTO shows the same parameters.
 */
export type QueryDocs<T> = { [K in keyof Required<T>]: Omit<QueryParam, 'name'> };

export const queryParams = <T>(docs: QueryDocs<T>): QueryParam[] =>
  Object.entries<Omit<QueryParam, 'name'>>(docs).map(([name, doc]) => ({ name, ...doc }));

/** `from` and `to` as days (IsIsoDay, DayRangePipe), both included; `absent` says the default. */
export const dayRangeQuery = (absent: { from: string; to: string }): QueryParam[] =>
  queryParams<{ from?: string; to?: string }>({
    from: {
      description: `first day, YYYY-MM-DD (UTC, a day that exists in years 1 to 9999); absent: ${absent.from}`,
      example: '2026-12-01',
    },
    to: {
      description: `last day, included, YYYY-MM-DD (UTC, a day that exists in years 1 to 9999); absent: ${absent.to}`,
      example: '2026-12-31',
    },
  });

/** The usage and inspection routes' days: the 30 days up to `to`, today by default. */
export const LAST_30_DAYS = dayRangeQuery({ from: '29 days before `to`', to: 'today' });
