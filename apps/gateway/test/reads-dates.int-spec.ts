/**
 * `from` and `to` of the read history: every ISO 8601 date or time of years 1 to 9999 (a time
 * column holds them all), each refused form a 400 naming the parameter. `from=0001-01-01` was
 * refused as "not ISO 8601", and week dates or `20261201` reached the query as Invalid Date.
 */
import { ReadRecorder } from '../src/reads/read-recorder';
import { Harness, startHarness, uniqueName } from './harness';

describe('read history date range (real PostgreSQL and Redis)', () => {
  let h: Harness;
  let apiKey: string;
  beforeAll(async () => {
    h = await startHarness();
    const created = await h.admin.createAccount(uniqueName('dates'), 'pro');
    apiKey = created.apiKey;
    const recorder = h.app.get(ReadRecorder);
    recorder.record(
      {
        accountId: created.account.id,
        cameraId: 'gate-1',
        requestType: 'stream',
        readRetentionDays: 30,
        webhookIds: [],
      },
      {
        results: [
          { plate: 'dat3s01', score: 0.9, candidates: [{ plate: 'dat3s01', score: 0.9 }] },
        ] as never,
        timestamp: '2026-12-05T19:36:25Z',
      },
    );
    await recorder.flush();
  });
  afterAll(() => h.close());

  const search = (query: string) =>
    h.http().get(`/v1/reads/?${query}`).set('Authorization', `Token ${apiKey}`);
  const plates = async (query: string) =>
    (await search(query).expect(200)).body.results.map((r: { plate: string }) => r.plate);

  it.each([
    'from=0001-01-01',
    'from=0099-12-31T23:59:59Z',
    'from=0001-01-01T00:00:00-01:00',
    'from=2000&to=9999-12-31T23:59:59.999999Z',
    'from=2000-01&to=9999-12',
    'from=20000101&to=99991231T000000Z',
    'from=2000-01-01%2010:00:00%2B02:00&to=9999-12-31',
  ])('takes %s', async (query) => {
    expect(await plates(query)).toEqual(['dat3s01']);
  });

  it('finds nothing outside the range', async () => {
    expect(await plates('to=0001-01-01')).toEqual([]);
    expect(await plates('from=9999-12-31T23:59:59Z')).toEqual([]);
  });

  it.each([
    ['from', '0000-01-01'],
    ['from', '0001-01-01T00:00:00%2B01:00'],
    ['to', '10000-01-01'],
    ['to', '2026-02-30'],
    ['from', '2026-W01'],
    ['from', '2026-123'],
    ['to', '2026-12-01T24:00:00Z'],
    ['from', 'yesterday'],
  ])('refuses %s=%s with a 400 naming it', async (name, value) => {
    const res = await search(`${name}=${value}`).expect(400);
    expect(res.body.detail).toBe(
      `${name} must be an ISO 8601 date or time in years 1 to 9999, e.g. 2026-12-01 or 2026-12-01T10:00:00Z`,
    );
  });
});
