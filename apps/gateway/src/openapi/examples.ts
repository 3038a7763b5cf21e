/**
 * Answers shown in the API reference. Each is a real answer of this gateway (ids, keys and dates
 * from a throwaway test database): the Snapshot one is the engine reading the dev photo
 * `images/br/AYO9034.jpg` with `regions=br` (`platewise read … --regions br`).
 */

const ACCOUNT_ID = '86f47258-d778-4a6c-9c26-8844eaea0f08';
const apiKey = {
  id: '289881b8-0142-40a5-a07b-18ee29cf782a',
  prefix: '1a341430',
  label: 'default',
  created: '2026-12-05T19:10:47.046Z',
  revoked: null,
};
const security = { exposeKey: false, ips: [], domains: [] };
const subscription = {
  account: {
    id: ACCOUNT_ID,
    username: 'acme',
    name: { first: 'Ada', last: 'Lovelace' },
    created: 'Sat, 05 Dec 2026 19:10:47 GMT',
  },
  contract: {
    plan: 'pro',
    status: 'active',
    firstSignatureDate: 'Sat, 05 Dec 2026 00:00:00 GMT',
    latestSignatureDate: 'Sat, 05 Dec 2026 00:00:00 GMT',
    nextSignatureDate: 'Sun, 05 Dec 2027 00:00:00 GMT',
    indicativeYearlyQuota: 600000,
  },
  history: [
    {
      period: '2026',
      startDate: 'Sat, 05 Dec 2026 00:00:00 GMT',
      endDate: null,
      count: { plate_reader: 1, redact: 0, stream: 1 },
      aboveQuota: { plate_reader: 0, redact: 0, stream: 0 },
    },
  ],
  billing: { nextDueDate: 'Sun, 05 Dec 2027 00:00:00 GMT', estimatedAmount: 0 },
  security,
};
const statistics = {
  usage: { month: 12, calls: 1, year: 2026, resets_on: '2027-01-05T00:00:00Z' },
  total_calls: 50000,
};
const quotaDaily = {
  day: '2026-12-05',
  quota: {
    plate_reader: { count: 1, remaining: 49998 },
    redact: { count: 0, remaining: 49998 },
    stream: { count: 1, remaining: 49998 },
  },
};
const webhook = {
  id: 1,
  target: 'https://hooks.example.com/plates',
  include_image: false,
  created: '2026-12-05T19:12:03.118Z',
};

export const EXAMPLES = {
  snapshot: {
    processing_time: 192.772,
    results: [
      {
        box: { xmin: 531, ymin: 409, xmax: 691, ymax: 469 },
        plate: 'ayo9034',
        region: { code: 'br', score: 0.7 },
        vehicle: {
          type: 'Sedan',
          score: 0.699,
          box: { xmin: 332, ymin: 31, xmax: 914, ymax: 573 },
        },
        score: 0.99,
        candidates: [{ plate: 'ayo9034', score: 0.99 }],
        dscore: 0.885,
      },
    ],
    filename: 'AYO9034.jpg',
    version: 1,
    camera_id: null,
    timestamp: '2026-12-05T19:09:34.808Z',
  },
  statistics,
  subscription,
  quotaDaily,
  quotaHistory: [
    {
      day: '2026-12-05',
      quota: { plate_reader: { count: 1 }, redact: { count: 0 }, stream: { count: 1 } },
    },
    {
      day: '2026-12-04',
      quota: { plate_reader: { count: 0 }, redact: { count: 0 }, stream: { count: 0 } },
    },
  ],
  info: {
    version: '0.1.0',
    license_key: '1a34********************************29a9',
    total_calls: 50000,
    usage: { calls: 1 },
    webhooks: [],
  },
  webhook,
  createdWebhook: { ...webhook, secret: 'whsec_3kq0n8b1X0m2Yp4r7TzV9wQe5LcH6uDa' },
  delivery: {
    event: 'image.done',
    attempt: 1,
    status: 200,
    ok: true,
    error: null,
    duration_ms: 41,
    created: '2026-12-05T19:12:09.540Z',
  },
  metrics:
    '# HELP platewise_recognitions_total Recognition calls by outcome\n# TYPE platewise_recognitions_total counter\nplatewise_recognitions_total{outcome="served"} 1\n',
  health: { status: 'ok' },
  plan: {
    name: 'pro',
    totalCalls: 50000,
    indicativeYearlyQuota: 600000,
    callsPerSecond: 8,
    allowAboveQuota: true,
    aboveQuotaUnitPrice: 0.004,
    mmcIncluded: false,
    redactIncluded: false,
    maxUploadBytes: 3145728,
  },
  account: {
    id: ACCOUNT_ID,
    username: 'acme',
    firstName: 'Ada',
    lastName: 'Lovelace',
    email: 'ada@example.com',
    emailConfirmed: true,
    readRetentionDays: 30,
    created: '2026-12-05T19:10:47.010Z',
  },
  createdAccount: {
    account: {
      id: ACCOUNT_ID,
      username: 'acme',
      firstName: 'Ada',
      lastName: 'Lovelace',
      created: '2026-12-05T19:10:47.010Z',
    },
    apiKey: '1a341430ab01dc2ee57a0cd50d8a00ddbfa829a9',
  },
  contract: {
    plan: 'pro',
    status: 'active',
    firstSignatureDate: '2026-12-05T00:00:00.000Z',
    latestSignatureDate: '2026-12-05T00:00:00.000Z',
    nextSignatureDate: '2027-12-05T00:00:00.000Z',
  },
  apiKey,
  keyInUse: { ...apiKey, lastUsed: '2026-12-05T19:41:07.000Z' },
  revokedKey: { ...apiKey, revoked: '2026-12-05T19:20:00.000Z' },
  issuedKey: { apiKey: '1a341430ab01dc2ee57a0cd50d8a00ddbfa829a9', key: apiKey },
  security,
  read: {
    id: '1042',
    read_at: '2026-12-05T19:40:12.331Z',
    timestamp: '2026-12-05T19:40:12.000Z',
    plate: 'ayo9034',
    score: 0.902,
    region: 'br',
    vehicle: { type: 'Sedan', score: 0.761 },
    camera_id: 'gate-1',
    request_type: 'plate_reader',
  },
  watchlistEntry: {
    id: 3,
    plate: 'ayo9034',
    label: 'stolen van',
    match: 'lookalike',
    created: '2026-12-05T19:35:00.000Z',
  },
  notification: {
    accountId: ACCOUNT_ID,
    kind: 'webhook.removed',
    message:
      'Webhook 1 (https://hooks.example.com/plates) was removed after 20 failed deliveries in a row; last error: HTTP 500',
    created: '2026-12-05T19:30:00.000Z',
    emailHeld: false,
  },
  /** a notice raised while the owner's address awaits its link */
  heldNotification: {
    accountId: ACCOUNT_ID,
    kind: 'quota.threshold',
    message:
      'You have used 80 % of your monthly calls (800 of 1,000 calls) for the period 2026-12-01 to 2027-01-01.',
    created: '2026-12-05T19:40:00.000Z',
    emailHeld: true,
  },
  usageReport: {
    from: '2026-12-04',
    to: '2026-12-05',
    days: [
      {
        day: '2026-12-04',
        count: { plate_reader: 0, redact: 0, stream: 0 },
        aboveQuota: { plate_reader: 0, redact: 0, stream: 0 },
      },
      {
        day: '2026-12-05',
        count: { plate_reader: 1, redact: 0, stream: 1 },
        aboveQuota: { plate_reader: 0, redact: 0, stream: 0 },
      },
    ],
  },
  usageRows: {
    from: '2026-12-04',
    to: '2026-12-05',
    days: [
      { day: '2026-12-05', requestType: 'plate_reader', count: 1, aboveQuota: 0 },
      { day: '2026-12-05', requestType: 'stream', count: 1, aboveQuota: 0 },
    ],
    totals: {
      plate_reader: { count: 1, aboveQuota: 0 },
      redact: { count: 0, aboveQuota: 0 },
      stream: { count: 1, aboveQuota: 0 },
    },
  },
  usageCsv:
    'day,request_type,count,above_quota\n2026-12-05,plate_reader,1,0\n2026-12-05,redact,0,0\n2026-12-05,stream,1,0\n',
  session: {
    account: { id: ACCOUNT_ID, username: 'acme', operator: false },
    csrf: 'zmgZNNP5wDnIjBiJ3Br8RXa-65Xtpt7aI5xmJcEI8Qk',
    signup: false,
  },
  overview: {
    subscription,
    statistics,
    daily: quotaDaily,
    plan: {
      name: 'pro',
      totalCalls: 50000,
      indicativeYearlyQuota: 600000,
      callsPerSecond: 8,
      allowAboveQuota: true,
      aboveQuotaUnitPrice: 0.004,
      mmcIncluded: false,
      maxUploadBytes: 3145728,
    },
    month: { start: '2026-12-05T00:00:00.000Z', end: '2027-01-05T00:00:00.000Z' },
  },
};

/** One account as an operator looks at it (admin API and console): the examples above together. */
export const ACCOUNT_INSPECTION = {
  account: EXAMPLES.account,
  usage: EXAMPLES.usageRows,
  keys: [{ ...apiKey, lastUsed: '2026-12-05T19:41:07.000Z' }],
  webhooks: [webhook],
  notifications: [EXAMPLES.notification],
};
