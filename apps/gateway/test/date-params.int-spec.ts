/**
 * Every date a gateway route takes is read one way (isoInstant and isoCalendarDay,
 * @platewise/infra, as /v1/reads/ reads from/to): a day that does not exist or a year 0000 is a
 * 400 naming the parameter on each route, never a 500, and never rolled into the next month.
 * Before, /v2/quota/history took 0000-01-01, /account/usage read 2026-02-30 as March 2, the admin
 * usage routes answered 500 to both, and a contract dated 2026-W01 was a 500.
 */
import { ADMIN_TOKEN, Harness, startHarness, uniqueName } from './harness';

const isoDayMessage = (name: string) =>
  `${name} must be a day as YYYY-MM-DD in years 1 to 9999, e.g. 2026-12-01`;
const isoInstantMessage = (name: string) =>
  `${name} must be an ISO 8601 date or time in years 1 to 9999, e.g. 2026-12-01 or 2026-12-01T10:00:00Z`;

const PASSWORD = 'correct horse battery';
/** Not a day: year 0, days that do not exist, other forms, past year 9999. */
const BAD_DAYS = ['0000-01-01', '2026-02-30', '2025-02-29', '2026-W01', '10000-01-01', 'yesterday'];

describe('date parameters of every route (real PostgreSQL and Redis)', () => {
  let h: Harness;
  let accountId: string;
  let apiKey: string;
  let cookie: string;
  const admin = { Authorization: `Bearer ${ADMIN_TOKEN}` };
  beforeAll(async () => {
    h = await startHarness();
    const created = await h.admin.createAccount(uniqueName('dates'), 'pro');
    accountId = created.account.id;
    apiKey = created.apiKey;
    await h
      .http()
      .put(`/admin/accounts/${accountId}/password`)
      .set(admin)
      .send({ password: PASSWORD })
      .expect(204);
    const session = await h
      .http()
      .post('/account/session')
      .send({ username: created.account.username, password: PASSWORD })
      .expect(201);
    cookie = (session.headers['set-cookie'] as unknown as string[])[0].split(';')[0];
  });
  afterAll(() => h.close());

  /**
   * A 400 in the Pl@ntNet shape whose message is exactly `message` (read from the text: the CSV
   * route's error is JSON sent as text/csv, which supertest does not parse).
   */
  const refused = async (
    request: PromiseLike<{ status: number; text: string }>,
    message: string,
  ) => {
    const res = await request;
    expect({ status: res.status, body: JSON.parse(res.text) }).toEqual({
      status: 400,
      body: { statusCode: 400, error: 'Bad Request', message },
    });
  };

  it.each(BAD_DAYS)('/v2/quota/history refuses %s as from and as to', async (day) => {
    const history = (query: string) =>
      h.http().get(`/v2/quota/history?${query}`).set('Authorization', `Token ${apiKey}`);
    await refused(history(`from=${day}`), isoDayMessage('from'));
    await refused(history(`to=${day}`), isoDayMessage('to'));
  });

  it.each(BAD_DAYS)("the dashboard's /account/usage(.csv) refuses %s", async (day) => {
    for (const path of ['/account/usage', '/account/usage.csv']) {
      const get = (query: string) => h.http().get(`${path}?${query}`).set('Cookie', cookie);
      await refused(get(`from=${day}&to=2026-03-31`), isoDayMessage('from'));
      await refused(get(`from=2026-02-01&to=${day}`), isoDayMessage('to'));
    }
  });

  it.each(BAD_DAYS)('the admin usage and inspection routes refuse %s', async (day) => {
    for (const route of ['usage', 'inspection']) {
      const get = (query: string) =>
        h.http().get(`/admin/accounts/${accountId}/${route}?${query}`).set(admin);
      await refused(get(`from=${day}`), isoDayMessage('from'));
      await refused(get(`to=${day}`), isoDayMessage('to'));
    }
  });

  it.each(BAD_DAYS)('a contract dated %s is refused', async (date) => {
    await refused(
      h.http().post(`/admin/accounts/${accountId}/contract`).set(admin).send({ plan: 'pro', date }),
      isoInstantMessage('date'),
    );
  });

  it('takes real days, leap days and the first and last years', async () => {
    const history = await h
      .http()
      .get('/v2/quota/history?from=0001-01-01&to=2024-02-29')
      .set('Authorization', `Token ${apiKey}`)
      .expect(200);
    expect(history.body).toEqual([]);
    const usage = await h
      .http()
      .get('/account/usage?from=2024-02-28&to=2024-03-01')
      .set('Cookie', cookie)
      .expect(200);
    expect(usage.body.days.map((d: { day: string }) => d.day)).toEqual([
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
    ]);
    const report = await h
      .http()
      .get(`/admin/accounts/${accountId}/usage?from=0001-01-01&to=9999-12-31`)
      .set(admin)
      .expect(200);
    expect(report.body).toMatchObject({ from: '0001-01-01', to: '9999-12-31' });
    const today = new Date().toISOString().slice(0, 10);
    await h
      .http()
      .post(`/admin/accounts/${accountId}/contract`)
      .set(admin)
      .send({ plan: 'pro', date: `${today}T10:00:00Z` })
      .expect(201);
  });

  it('refuses a stream event in year 0000 (Date takes it; PostgreSQL refuses to store it)', async () => {
    const at = '0000-06-01T10:00:00.000Z';
    const res = await h
      .http()
      .post('/v1/stream/events')
      .set('Authorization', `Token ${apiKey}`)
      .send({
        camera_id: 'gate-1',
        timestamp: at,
        first_seen: at,
        last_seen: at,
        frames: 1,
        direction: null,
        results: [
          {
            box: { xmin: 483, ymin: 405, xmax: 621, ymax: 452 },
            plate: 'ayo9034',
            region: { code: 'br', score: 0.9 },
            vehicle: {
              type: 'Sedan',
              score: 0.8,
              box: { xmin: 300, ymin: 200, xmax: 800, ymax: 600 },
            },
            score: 0.992,
            candidates: [{ plate: 'ayo9034', score: 0.992 }],
            dscore: 0.87,
            direction: null,
          },
        ],
      })
      .expect(400);
    expect(res.body.detail).toBe(
      'Invalid stream event: first_seen: an ISO 8601 time; timestamp: an ISO 8601 time; last_seen: an ISO 8601 time.',
    );
  });
});
