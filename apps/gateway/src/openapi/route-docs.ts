/**
 * What the code cannot say by itself about each route: a summary, who may call it, what a success
 * looks like, and which errors it answers. Paths, path parameters and request bodies come from the
 * controllers (SwaggerModule scans them; DTO schemas come from their class-validator rules).
 * The route-coverage test fails when a served route has no entry here.
 */
import { arrayOf } from './schemas';

export type Auth = 'key' | 'admin' | 'session' | 'none';

export interface RouteDoc {
  summary: string;
  auth: Auth;
  /** success status, and the schema name (components.schemas) or a literal schema of its body */
  ok: { status: number; schema?: string | Record<string, unknown>; type?: string };
  errors: number[];
  query?: { name: string; description: string }[];
  /** multipart/form-data body (the Snapshot upload) */
  upload?: boolean;
}

const KEY = [401, 403];
const SESSION = [401, 403];
const ADMIN = [401, 403];
const RANGE = [
  { name: 'from', description: 'first day (YYYY-MM-DD)' },
  { name: 'to', description: 'last day (YYYY-MM-DD)' },
];
const RECOGNITION_ERRORS = [400, 403, 413, 415, 429, 503, 504];

export const ROUTE_DOCS: Record<string, RouteDoc> = {
  'POST /v1/plate-reader': {
    summary: 'Read plates in an image (Snapshot API)',
    auth: 'key',
    ok: { status: 201, schema: 'SnapshotResponse' },
    errors: RECOGNITION_ERRORS,
    upload: true,
  },
  'POST /v1/stream/events': {
    summary:
      'Report one vehicle event from a stream process (apps/stream): counted once as `stream`, sent to the account webhooks',
    auth: 'key',
    ok: {
      status: 201,
      schema: {
        type: 'object',
        properties: {
          camera_id: { type: 'string' },
          timestamp: { type: 'string', format: 'date-time' },
          webhooks: { type: 'integer', description: 'webhook deliveries queued' },
        },
      },
    },
    errors: [400, 403, 429, 503],
  },
  'GET /v1/statistics': {
    summary: 'Calls in the current monthly period',
    auth: 'key',
    ok: { status: 200, schema: 'Statistics' },
    errors: [...KEY, 503],
  },
  'GET /v2/subscription': {
    summary: 'Account, contract, history per period, billing estimate',
    auth: 'key',
    ok: { status: 200, schema: 'Subscription' },
    errors: [...KEY, 503],
  },
  'GET /v2/quota/daily': {
    summary: "Today's calls and what is left of the monthly allowance",
    auth: 'key',
    ok: { status: 200, schema: 'QuotaDaily' },
    errors: [...KEY, 503],
  },
  'GET /v2/quota/history': {
    summary: 'Calls per day since the contract started, newest first',
    auth: 'key',
    ok: { status: 200, schema: 'QuotaHistory' },
    errors: [...KEY, 503],
  },
  'GET /info': {
    summary: 'Version, masked licence key, usage and webhooks',
    auth: 'key',
    ok: { status: 200, schema: { type: 'object' } },
    errors: [...KEY, 503],
  },
  'GET /v1/webhooks': {
    summary: "The account's webhook targets",
    auth: 'key',
    ok: { status: 200, schema: arrayOf('Webhook') },
    errors: KEY,
  },
  'POST /v1/webhooks': {
    summary: 'Add a webhook target (the signing secret is returned once)',
    auth: 'key',
    ok: { status: 201, schema: 'Webhook' },
    errors: [400, ...KEY],
  },
  'DELETE /v1/webhooks/{webhookId}': {
    summary: 'Remove a webhook target',
    auth: 'key',
    ok: { status: 204 },
    errors: [400, ...KEY, 404],
  },
  'GET /v1/webhooks/{webhookId}/deliveries': {
    summary: 'Delivery log of a webhook',
    auth: 'key',
    ok: { status: 200, schema: arrayOf('Delivery') },
    errors: [400, ...KEY, 404],
  },
  'GET /metrics': {
    summary: 'Prometheus metrics',
    auth: 'none',
    ok: { status: 200, type: 'text/plain' },
    errors: [],
  },
  'GET /health/live': {
    summary: 'Liveness probe: the process answers',
    auth: 'none',
    ok: { status: 200 },
    errors: [],
  },
  'GET /health/ready': {
    summary: 'Readiness probe: PostgreSQL and Redis answer and the gateway is not shutting down',
    auth: 'none',
    ok: { status: 200 },
    errors: [503],
  },

  'GET /admin/plans': { summary: 'List plans', auth: 'admin', ok: { status: 200 }, errors: ADMIN },
  'PUT /admin/plans': {
    summary: 'Create or update a plan',
    auth: 'admin',
    ok: { status: 200 },
    errors: [400, ...ADMIN],
  },
  'POST /admin/accounts': {
    summary: 'Create an account and its first key (shown once)',
    auth: 'admin',
    ok: { status: 201 },
    errors: [400, ...ADMIN, 409],
  },
  'GET /admin/accounts': {
    summary: 'List accounts',
    auth: 'admin',
    ok: { status: 200 },
    errors: ADMIN,
  },
  'GET /admin/accounts/{accountId}': {
    summary: 'One account',
    auth: 'admin',
    ok: { status: 200 },
    errors: [400, ...ADMIN, 404],
  },
  'PUT /admin/accounts/{accountId}/password': {
    summary: "Set or reset the account's dashboard password (ends its sessions)",
    auth: 'admin',
    ok: { status: 204 },
    errors: [400, ...ADMIN, 404],
  },
  'POST /admin/accounts/{accountId}/contract': {
    summary: 'Sign or renew a contract',
    auth: 'admin',
    ok: { status: 201 },
    errors: [400, ...ADMIN, 404],
  },
  'PATCH /admin/accounts/{accountId}/contract': {
    summary: 'Suspend or reactivate the contract',
    auth: 'admin',
    ok: { status: 200 },
    errors: [400, ...ADMIN, 404],
  },
  'GET /admin/accounts/{accountId}/keys': {
    summary: 'List keys',
    auth: 'admin',
    ok: { status: 200, schema: arrayOf('ApiKey') },
    errors: [400, ...ADMIN, 404],
  },
  'POST /admin/accounts/{accountId}/keys': {
    summary: 'Issue a key (shown once)',
    auth: 'admin',
    ok: { status: 201, schema: 'IssuedKey' },
    errors: [400, ...ADMIN, 404],
  },
  'DELETE /admin/accounts/{accountId}/keys/{keyId}': {
    summary: 'Revoke a key',
    auth: 'admin',
    ok: { status: 200, schema: 'ApiKey' },
    errors: [400, ...ADMIN, 404],
  },
  'POST /admin/accounts/{accountId}/keys/{keyId}/rotate': {
    summary: 'Replace a key',
    auth: 'admin',
    ok: { status: 201, schema: 'IssuedKey' },
    errors: [400, ...ADMIN, 404],
  },
  'GET /admin/accounts/{accountId}/security': {
    summary: 'Security settings',
    auth: 'admin',
    ok: { status: 200, schema: 'SecuritySettings' },
    errors: [400, ...ADMIN, 404],
  },
  'PUT /admin/accounts/{accountId}/security': {
    summary: 'Change security settings',
    auth: 'admin',
    ok: { status: 200, schema: 'SecuritySettings' },
    errors: [400, ...ADMIN, 404],
  },
  'GET /admin/accounts/{accountId}/webhooks': {
    summary: "An account's webhooks",
    auth: 'admin',
    ok: { status: 200, schema: arrayOf('Webhook') },
    errors: [400, ...ADMIN, 404],
  },
  'POST /admin/accounts/{accountId}/webhooks': {
    summary: 'Add a webhook for an account',
    auth: 'admin',
    ok: { status: 201, schema: 'Webhook' },
    errors: [400, ...ADMIN, 404],
  },
  'DELETE /admin/accounts/{accountId}/webhooks/{webhookId}': {
    summary: 'Remove a webhook',
    auth: 'admin',
    ok: { status: 204 },
    errors: [400, ...ADMIN, 404],
  },
  'GET /admin/accounts/{accountId}/webhooks/{webhookId}/deliveries': {
    summary: 'Delivery log',
    auth: 'admin',
    ok: { status: 200, schema: arrayOf('Delivery') },
    errors: [400, ...ADMIN, 404],
  },
  'GET /admin/notifications': {
    summary: 'Notifications for owners',
    auth: 'admin',
    ok: { status: 200 },
    errors: ADMIN,
    query: [{ name: 'accountId', description: 'only this account' }],
  },
  'GET /admin/accounts/{accountId}/usage': {
    summary: 'Daily usage and totals',
    auth: 'admin',
    ok: { status: 200 },
    errors: [400, ...ADMIN, 404],
    query: RANGE,
  },

  'GET /account/signup': {
    summary: 'Whether self-service sign-up is open',
    auth: 'none',
    ok: { status: 200 },
    errors: [],
  },
  'POST /account/signup': {
    summary: 'Sign up on the trial plan (SIGNUP=open) and sign in',
    auth: 'none',
    ok: { status: 201 },
    errors: [400, 403, 409, 415],
  },
  'POST /account/session': {
    summary: 'Sign in to the dashboard (sets the session cookie)',
    auth: 'none',
    ok: { status: 201 },
    errors: [400, 401, 403, 415, 429],
  },
  'GET /account/session': {
    summary: 'The signed-in account and its CSRF token',
    auth: 'session',
    ok: { status: 200 },
    errors: [401],
  },
  'POST /account/session/end': {
    summary: 'Sign out (this browser, or everywhere)',
    auth: 'session',
    ok: { status: 204 },
    errors: SESSION,
  },
  'GET /account/overview': {
    summary: 'Subscription, statistics and today, as on /v2/subscription and /v1/statistics/',
    auth: 'session',
    ok: { status: 200 },
    errors: SESSION,
  },
  'GET /account/usage': {
    summary: 'Calls per day and request type',
    auth: 'session',
    ok: { status: 200 },
    errors: [400, ...SESSION],
    query: RANGE,
  },
  'GET /account/usage.csv': {
    summary: 'The same as CSV',
    auth: 'session',
    ok: { status: 200, type: 'text/csv' },
    errors: [400, ...SESSION],
    query: RANGE,
  },
  'GET /account/security': {
    summary: 'Security settings',
    auth: 'session',
    ok: { status: 200, schema: 'SecuritySettings' },
    errors: SESSION,
  },
  'PUT /account/security': {
    summary: 'Change security settings',
    auth: 'session',
    ok: { status: 200, schema: 'SecuritySettings' },
    errors: [400, ...SESSION],
  },
  'GET /account/keys': {
    summary: 'API keys with when they were last used',
    auth: 'session',
    ok: { status: 200, schema: arrayOf('ApiKey') },
    errors: SESSION,
  },
  'POST /account/keys': {
    summary: 'Issue a key (shown once)',
    auth: 'session',
    ok: { status: 201, schema: 'IssuedKey' },
    errors: [400, ...SESSION],
  },
  'DELETE /account/keys/{keyId}': {
    summary: 'Revoke a key (refused at once)',
    auth: 'session',
    ok: { status: 200, schema: 'ApiKey' },
    errors: [400, ...SESSION, 404],
  },
  'POST /account/keys/{keyId}/rotate': {
    summary: 'Replace a key',
    auth: 'session',
    ok: { status: 201, schema: 'IssuedKey' },
    errors: [400, ...SESSION, 404],
  },
  'GET /account/webhooks': {
    summary: 'Webhook targets',
    auth: 'session',
    ok: { status: 200, schema: arrayOf('Webhook') },
    errors: SESSION,
  },
  'POST /account/webhooks': {
    summary: 'Add a webhook target (secret shown once)',
    auth: 'session',
    ok: { status: 201, schema: 'Webhook' },
    errors: [400, ...SESSION],
  },
  'DELETE /account/webhooks/{webhookId}': {
    summary: 'Remove a webhook target',
    auth: 'session',
    ok: { status: 204 },
    errors: [400, ...SESSION, 404],
  },
  'GET /account/webhooks/{webhookId}/deliveries': {
    summary: 'Delivery log',
    auth: 'session',
    ok: { status: 200, schema: arrayOf('Delivery') },
    errors: [400, ...SESSION, 404],
  },
  'POST /account/webhooks/{webhookId}/test': {
    summary: 'Send a test event',
    auth: 'session',
    ok: { status: 202 },
    errors: [400, ...SESSION, 404],
  },
  'POST /account/plate-reader': {
    summary: '"Try it": a recognition call from the dashboard, counted like any other',
    auth: 'session',
    ok: { status: 201, schema: 'SnapshotResponse' },
    errors: [...RECOGNITION_ERRORS, 401],
    upload: true,
  },
  'GET /account/operator/accounts': {
    summary: 'Operator view: every account and its contract',
    auth: 'session',
    ok: { status: 200 },
    errors: SESSION,
  },
  'GET /account/operator/plans': {
    summary: 'Operator view: plans',
    auth: 'session',
    ok: { status: 200 },
    errors: SESSION,
  },
  'GET /account/operator/notifications': {
    summary: 'Operator view: notifications',
    auth: 'session',
    ok: { status: 200 },
    errors: SESSION,
  },
};
