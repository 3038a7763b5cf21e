import {
  plateResultSchema,
  snapshotResponseSchema,
  vehicleModeResultSchema,
} from '@platewise/snapshot';

type Schema = Record<string, unknown>;

/**
 * An object whose properties are all in every answer (null where unknown), so clients' generated
 * types (the dashboard's, scripts/openapi-types.mjs) need no guessing; `more.required` names fewer.
 */
const object = (properties: Record<string, Schema>, more: Schema = {}): Schema => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
  ...more,
});
export const arrayOf = (name: string): Schema => ({
  type: 'array',
  items: { $ref: `#/components/schemas/${name}` },
});
const int = (description?: string): Schema => ({
  type: 'integer',
  ...(description ? { description } : {}),
});
const str = (description?: string): Schema => ({
  type: 'string',
  ...(description ? { description } : {}),
});
const nullable = (type: string, more: Schema = {}): Schema => ({ type: [type, 'null'], ...more });
const dateTime: Schema = { type: 'string', format: 'date-time' };
const day: Schema = { type: 'string', format: 'date' };
const uuid: Schema = { type: 'string', format: 'uuid' };
const httpDate = nullable('string', { example: 'Fri, 03 Jun 2022 00:00:00 GMT' });
const counts: Schema = {
  type: 'object',
  additionalProperties: int(),
  example: { plate_reader: 12, stream: 3 },
};

// The document holds the schema itself, so its standalone `$id` is left out.
const snapshot = Object.fromEntries(
  Object.entries(snapshotResponseSchema).filter(([k]) => k !== '$id'),
) as Omit<typeof snapshotResponseSchema, '$id'>;

/** Plate Recognizer's engine `config` (libs/engine config.ts): every key optional, defaults shown. */
export const ENGINE_CONFIG_SCHEMA: Schema = object(
  {
    threshold_d: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: 0.2,
      description: 'minimum plate detection score (dscore); a number or a numeric string',
    },
    threshold_o: {
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: 0.2,
      description: 'minimum reading score; a number or a numeric string',
    },
    mode: {
      enum: ['regular', 'fast', 'redaction'],
      default: 'regular',
      description: 'fast: one detection step; redaction: more detection candidates',
    },
    text_formats: {
      type: 'array',
      items: { type: 'string' },
      maxItems: 10,
      description: 'regular expressions guiding the text (full match, case-insensitive)',
      example: ['[0-9]{3}[a-z]{2}'],
    },
    region: {
      enum: ['normal', 'strict'],
      default: 'normal',
      description:
        'strict: only texts fitting a hinted region (or a text_format); with neither it has no effect, and `region` is named in X-Platewise-Ignored-Config',
    },
    detection_rule: {
      enum: ['normal', 'strict'],
      default: 'normal',
      description: 'strict: plates outside every detected vehicle are dropped',
    },
    detection_mode: {
      enum: ['plate', 'vehicle'],
      default: 'plate',
      description: 'vehicle: vehicles without plates too, in the vehicle-mode shape',
    },
  },
  {
    description:
      'Engine configuration. Keys this engine does not know are ignored (named in the X-Platewise-Ignored-Config answer header, as is `region` where strict has no region to apply to); a known key with a wrong value is a 400 naming it.',
    additionalProperties: true,
    example: { mode: 'fast', threshold_d: 0.2, threshold_o: 0.6 },
  },
);

/** Response shapes of the recognition, contract-tracking, statistics and error answers (components.schemas). */
export const RESPONSE_SCHEMAS: Record<string, Schema> = {
  // Both detection modes: plate results, or vehicle-mode results with `detection_mode: vehicle`.
  SnapshotResponse: {
    ...snapshot,
    description:
      'Plate Recognizer Snapshot answer; `results` holds PlateResult items, or VehicleModeResult items when config.detection_mode is "vehicle".',
    properties: {
      ...snapshot.properties,
      usage: object({ calls: int(), max_calls: int() }, { description: 'on-premise mode only' }),
    },
  },
  PlateResult: plateResultSchema,
  EngineConfig: ENGINE_CONFIG_SCHEMA,
  Info: object({
    version: str(),
    license_key: str('masked'),
    total_calls: int("the plan's monthly limit"),
    usage: object({ calls: int() }),
    webhooks: { type: 'array', items: { $ref: '#/components/schemas/Webhook' } },
  }),
  Health: object({ status: { enum: ['ok', 'error'] } }, { additionalProperties: true }),
  Plan: object({
    name: str(),
    totalCalls: int('calls per monthly period'),
    indicativeYearlyQuota: int(),
    callsPerSecond: int(),
    allowAboveQuota: { type: 'boolean' },
    aboveQuotaUnitPrice: { type: 'number', description: 'EUR per call above the quota' },
    mmcIncluded: { type: 'boolean' },
    redactIncluded: { type: 'boolean', description: 'POST /v1/redact/ allowed (403 otherwise)' },
    maxUploadBytes: int(),
  }),
  Account: object({
    id: uuid,
    username: str(),
    firstName: nullable('string'),
    lastName: nullable('string'),
    email: nullable('string', { format: 'email', description: 'where notices are e-mailed' }),
    emailConfirmed: {
      type: 'boolean',
      description:
        'whether `email` is confirmed: until the link e-mailed to it is followed, notices are listed and their e-mails held (those of the last 48 hours are sent once it is confirmed; an address an operator sets is confirmed)',
    },
    readRetentionDays: int('days reads are kept under /v1/reads/; 0: none are stored'),
    created: dateTime,
  }),
  AccountWithContract: {
    allOf: [
      { $ref: '#/components/schemas/Account' },
      object({
        contract: {
          oneOf: [{ $ref: '#/components/schemas/Contract' }, { type: 'null' }],
          description: 'the current contract; null: none signed',
        },
      }),
    ],
  },
  CreatedAccount: object({
    account: { $ref: '#/components/schemas/Account' },
    apiKey: str('shown once'),
  }),
  Contract: object({
    plan: str(),
    status: { enum: ['active', 'expired', 'suspended'] },
    firstSignatureDate: dateTime,
    latestSignatureDate: dateTime,
    nextSignatureDate: dateTime,
  }),
  Notification: object({
    accountId: uuid,
    kind: str(),
    message: str(),
    created: dateTime,
    emailHeld: {
      type: 'boolean',
      description:
        "whether its e-mail is held: raised while the account's address was unconfirmed, it is e-mailed once the address is confirmed (if raised in the 48 hours before; false once e-mailed or dropped: stale, or the address removed); or the mail queue refused it when raised, and the workers' sweep e-mails it within minutes",
    },
  }),
  UsageReport: object({
    from: day,
    to: day,
    days: {
      type: 'array',
      description: 'every day of the range, oldest first, days without calls as zeros',
      items: object({ day, count: counts, aboveQuota: counts }),
    },
  }),
  UsageRows: object({
    from: day,
    to: day,
    days: {
      type: 'array',
      description: 'one row per day and request type with calls, newest first',
      items: object({ day, requestType: str(), count: int(), aboveQuota: int() }),
    },
    totals: {
      type: 'object',
      additionalProperties: object({ count: int(), aboveQuota: int() }),
    },
  }),
  AccountInspection: object({
    account: { $ref: '#/components/schemas/Account' },
    usage: { $ref: '#/components/schemas/UsageRows' },
    keys: arrayOf('KeyInUse'),
    webhooks: arrayOf('Webhook'),
    notifications: arrayOf('Notification'),
  }),
  SessionInfo: object({
    account: object({ id: uuid, username: str(), operator: { type: 'boolean' } }),
    csrf: str('send it back as X-CSRF-Token on every change'),
    signup: { type: 'boolean' },
  }),
  SignupOpen: object({ open: { type: 'boolean' } }),
  ConfirmedEmail: object({
    username: str('the account whose notices now go to `email`'),
    email: { type: 'string', format: 'email' },
    confirmed: dateTime,
    heldNotices: int(
      "the notices raised while the address was unconfirmed (the last 48 hours' of them, 50 at most) that are e-mailed to it now (should the e-mail queue refuse them, by the workers within minutes); each once",
    ),
  }),
  Accepted: object({ queued: { type: 'boolean' } }),
  Overview: object({
    subscription: { $ref: '#/components/schemas/Subscription' },
    statistics: { $ref: '#/components/schemas/Statistics' },
    daily: { $ref: '#/components/schemas/QuotaDaily' },
    plan: {
      oneOf: [{ $ref: '#/components/schemas/Plan' }, { type: 'null' }],
      description: "the current contract's plan: limits and price above the quota",
    },
    month: {
      type: ['object', 'null'],
      description: 'the monthly period the calls count in: start inclusive, end exclusive',
      properties: { start: dateTime, end: dateTime },
      required: ['start', 'end'],
    },
  }),
  VehicleModeResult: vehicleModeResultSchema,
  Subscription: object(
    {
      account: object({
        id: uuid,
        username: str(),
        name: object({ first: str(), last: str() }),
        created: httpDate,
      }),
      contract: {
        ...object({
          plan: str(),
          status: { enum: ['active', 'expired', 'suspended'] },
          firstSignatureDate: httpDate,
          latestSignatureDate: httpDate,
          nextSignatureDate: httpDate,
          indicativeYearlyQuota: int(),
        }),
        type: ['object', 'null'],
      },
      history: {
        type: 'array',
        items: object({
          period: str(),
          startDate: httpDate,
          endDate: httpDate,
          count: counts,
          aboveQuota: counts,
        }),
      },
      billing: object({
        nextDueDate: httpDate,
        estimatedAmount: { type: 'number', description: 'EUR' },
      }),
      security: { $ref: '#/components/schemas/SecuritySettings' },
    },
    { required: ['account', 'contract', 'history', 'billing', 'security'] },
  ),
  SecuritySettings: object({
    exposeKey: { type: 'boolean' },
    ips: { type: 'array', items: str(), example: ['203.0.113.0/24'] },
    domains: { type: 'array', items: str(), example: ['*.example.com'] },
  }),
  QuotaDaily: object({
    day,
    quota: { type: 'object', additionalProperties: object({ count: int(), remaining: int() }) },
  }),
  QuotaHistory: {
    type: 'array',
    items: object({
      day,
      quota: { type: 'object', additionalProperties: object({ count: int() }) },
    }),
  },
  Statistics: object({
    usage: object({
      month: int(),
      year: int(),
      calls: int(
        'calls of every request type this period (redactions too: each takes one of total_calls)',
      ),
      resets_on: { type: 'string', example: '2019-01-14T00:00:00Z' },
    }),
    total_calls: int("the plan's monthly limit"),
  }),
  Webhook: object(
    {
      id: int(),
      target: { type: 'string', format: 'uri' },
      include_image: { type: 'boolean' },
      created: dateTime,
      secret: str('only in the answer that created the hook'),
    },
    { required: ['id', 'target', 'include_image', 'created'] },
  ),
  Delivery: object({
    event: str(),
    attempt: int(),
    status: nullable('integer'),
    ok: { type: 'boolean' },
    error: nullable('string'),
    duration_ms: int(),
    created: dateTime,
  }),
  Read: object({
    id: str('opaque'),
    read_at: dateTime,
    timestamp: str("the call's timestamp, as answered"),
    plate: str(),
    score: { type: 'number' },
    region: nullable('string'),
    vehicle: {
      type: ['object', 'null'],
      properties: { type: str(), score: { type: 'number' } },
    },
    camera_id: nullable('string'),
    request_type: str(),
  }),
  ReadPage: object({
    results: arrayOf('Read'),
    next: nullable('string', {
      description: '`cursor` of the next (older) page; null on the last',
    }),
  }),
  WatchlistEntry: object({
    id: int(),
    plate: str('letters and digits, lower case'),
    label: str(),
    match: { type: 'string', enum: ['exact', 'lookalike'] },
    created: dateTime,
  }),
  ApiKey: object({
    id: uuid,
    prefix: str(),
    label: str(),
    created: dateTime,
    revoked: nullable('string', { format: 'date-time' }),
  }),
  AuditEvent: object({
    actor: str('the operator'),
    action: str(),
    target: nullable('string'),
    detail: { type: 'object', additionalProperties: true },
    created: dateTime,
  }),
  KeyInUse: {
    allOf: [
      { $ref: '#/components/schemas/ApiKey' },
      object({
        lastUsed: nullable('string', { format: 'date-time', description: 'null: never used' }),
      }),
    ],
  },
  IssuedKey: object({ apiKey: str('shown once'), key: { $ref: '#/components/schemas/ApiKey' } }),
  PlateRecognizerError: object(
    {
      detail: str(),
      status_code: int('on 429'),
      error: str('on 413'),
      retry_after: int('seconds, on 503 and 504 (also the Retry-After header)'),
    },
    {
      required: ['detail'],
      description: 'Errors of /v1 and /info routes (Plate Recognizer style).',
    },
  ),
  Error: object(
    {
      statusCode: int(),
      error: str(),
      message: str(),
      retry_after: int('seconds, on 429, 503 and 504'),
      reason: {
        enum: ['unknown', 'expired', 'used'],
        description:
          'why a confirmation link confirms nothing (404, 410 of /account/confirm-email)',
      },
    },
    {
      required: ['statusCode', 'error', 'message'],
      description: 'Errors of every other route (Pl@ntNet style).',
    },
  ),
};

/** What each error status means, as documented on every route that can answer it. */
export const ERROR_MEANINGS: Record<number, string> = {
  400: 'Bad request: a field, config or image is invalid (the message names it)',
  401: 'Missing or unknown credentials',
  403: 'Refused: missing or wrong key (Plate Recognizer routes), security settings (ips, exposeKey, domains), quota, plan or CSRF',
  408: 'The request body did not arrive within HTTP_BODY_TIMEOUT_MS; not counted',
  404: 'Not found on this account',
  409: 'Conflict: the username is taken (accounts), the change does not fit (an address confirmed already), or a request with the same Idempotency-Key is still being answered (stream events: retry)',
  410: 'Gone: a single-use link that was used already or expired',
  413: "Image over the plan's upload limit",
  415: 'Not an image (or not JSON where JSON is required)',
  429: 'Rate limited (calls per second, too many failed sign-ins, or a confirmation e-mail sent minutes ago)',
  503: 'Temporarily unavailable (recognition failed on our side, or Redis/PostgreSQL down); not counted',
  504: 'No worker answered within RECOGNITION_TIMEOUT_MS; not counted',
};
