/**
 * The dashboard's calls to the gateway's /account routes, with the session's CSRF token. Routes,
 * request bodies and answers are typed from the OpenAPI document the gateway serves
 * (api-schema.ts, generated at build time by scripts/openapi-types.mjs): a route or field the
 * gateway does not document does not compile.
 */
import type { components, paths } from './api-schema';

let csrfToken = '';

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The documented schemas, by name (`Schemas['Overview']`). */
export type Schemas = components['schemas'];

type Route = keyof paths;
type Verb = 'get' | 'post' | 'put' | 'patch' | 'delete';
/** The methods a route has. */
type VerbOf<R extends Route> = {
  [V in Verb]: paths[R][V] extends undefined ? never : V;
}[Verb];
type Operation<R extends Route, V extends Verb> = NonNullable<paths[R][V]>;
type JsonOf<T> = T extends { content: { 'application/json': infer B } } ? B : undefined;

/** The JSON a route answers on success (200 or 201; undefined for 204). */
export type Answer<R extends Route, V extends Verb = 'get'> =
  Operation<R, V> extends { responses: infer S }
    ? 200 extends keyof S
      ? JsonOf<S[200]>
      : 201 extends keyof S
        ? JsonOf<S[201]>
        : undefined
    : never;

/** The JSON body a route takes (never where it takes none). */
export type Body<R extends Route, V extends Verb> =
  Operation<R, V> extends { requestBody?: infer B } ? JsonOf<NonNullable<B>> : never;

interface Options<R extends Route, V extends Verb> {
  method?: V;
  /** values of the route's `{name}` parts */
  params?: Record<string, string | number>;
  /** the query string, without `?` */
  query?: string;
  json?: Body<R, V>;
  form?: FormData;
}

/** One call to a documented route: `api('/account/keys/{keyId}', { method: 'delete', params })`. */
export async function api<R extends Route, V extends VerbOf<R> = 'get' & VerbOf<R>>(
  route: R,
  { method, params = {}, query, json, form }: Options<R, V> = {},
): Promise<Answer<R, V>> {
  const verb = (method ?? 'get').toUpperCase();
  const path = route.replace(/\{(\w+)\}/g, (_, name: string) =>
    encodeURIComponent(String(params[name])),
  );
  // JSON answers: the redaction route answers the image itself unless JSON is asked for.
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  if (verb !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  const res = await fetch(query ? `${path}?${query}` : path, {
    method: verb,
    headers,
    body: form ?? (json !== undefined ? JSON.stringify(json) : undefined),
    credentials: 'same-origin',
  });
  if (res.status === 204) return undefined as Answer<R, V>;
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body.message ?? body.detail ?? res.statusText);
  return body as Answer<R, V>;
}

export type Session = Schemas['SessionInfo'];
export type Webhook = Schemas['Webhook'];
export type UsageDay = Schemas['UsageReport']['days'][number];
export type SecuritySettings = Schemas['SecuritySettings'];
