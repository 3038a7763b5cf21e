/** The dashboard's calls to the gateway's /account routes, with the session's CSRF token. */
import type { ApiKeyView, WebhookView } from '@platewise/domain';

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

interface Options {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  json?: unknown;
  form?: FormData;
}

export async function api<T>(
  path: string,
  { method = 'GET', json, form }: Options = {},
): Promise<T> {
  // JSON answers: the redaction route answers the image itself unless JSON is asked for.
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = csrfToken;
  const res = await fetch(`/account${path}`, {
    method,
    headers,
    body: form ?? (json !== undefined ? JSON.stringify(json) : undefined),
    credentials: 'same-origin',
  });
  if (res.status === 204) return undefined as T;
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body.message ?? body.detail ?? res.statusText);
  return body as T;
}

export interface Session {
  account: { id: string; username: string; operator: boolean };
  csrf: string;
}

/** The answers' shapes are the domain's own views (types only: nothing of the server is bundled). */
export type { DeliveryView as Delivery, SecurityView as SecuritySettings } from '@platewise/domain';
export type Webhook = WebhookView & { secret?: string };
export type ApiKey = ApiKeyView & { lastUsed: string | null };

export interface UsageDay {
  day: string;
  count: Record<string, number>;
  aboveQuota: Record<string, number>;
}
