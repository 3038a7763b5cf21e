/**
 * Routes that take a JSON body refuse any other type with 415 naming it, as the plate reader
 * refuses a raw body: before, a text/plain body reached the route unread and was answered 400
 * for the very fields it carried.
 */
import { ADMIN_TOKEN, Harness, startHarness, uniqueName } from './harness';

describe('JSON routes refuse other media types (real PostgreSQL and Redis)', () => {
  let h: Harness;
  let apiKey: string;
  beforeAll(async () => {
    h = await startHarness();
    ({ apiKey } = await h.admin.createAccount(uniqueName('media'), 'pro'));
  });
  afterAll(() => h.close());

  const token = () => ({ Authorization: `Token ${apiKey}` });
  const daily = async () =>
    (await h.http().get('/v2/quota/daily').set(token()).expect(200)).body.quota;

  it.each([
    ['/v1/watchlists/', { plate: 'AYO9034', label: 'text' }],
    ['/v1/webhooks/', { target: 'http://93.184.216.34/text' }],
    ['/v1/stream/events', { camera_id: 'gate-1' }],
  ])('POST %s with a text/plain body is 415, with a detail naming the type', async (path, body) => {
    const res = await h
      .http()
      .post(path)
      .set(token())
      .set('Content-Type', 'text/plain')
      .send(JSON.stringify(body))
      .expect(415);
    expect(res.body).toEqual({
      detail:
        'Unsupported media type "text/plain" in request. Send JSON (Content-Type: application/json).',
    });
  });

  it('refuses forms and bodies without a type too, and counts none of them', async () => {
    const before = (await daily()).stream.count;
    await h
      .http()
      .post('/v1/watchlists/')
      .set(token())
      .type('form')
      .send({ plate: 'AYO9034' })
      .expect(415);
    const untyped = await h
      .http()
      .post('/v1/stream/events')
      .set(token())
      .set('Content-Type', '')
      .send(Buffer.from('{"camera_id":"gate-1"}'))
      .expect(415);
    expect(untyped.body.detail).toMatch(/no Content-Type/);
    expect((await daily()).stream.count).toBe(before);
  });

  it('answers in the route family shape, after the credentials are checked', async () => {
    const admin = await h
      .http()
      .post('/admin/accounts')
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .set('Content-Type', 'text/plain')
      .send('{"username":"x"}')
      .expect(415);
    expect(admin.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
    await h
      .http()
      .post('/v1/watchlists/')
      .set('Content-Type', 'text/plain')
      .send('{"plate":"AYO9034"}')
      .expect(403);
  });

  it('still takes JSON, and an empty body of any type on a route without one', async () => {
    await h
      .http()
      .post('/v1/watchlists/')
      .set(token())
      .set('Content-Type', 'application/json; charset=utf-8')
      .send(JSON.stringify({ plate: 'MEDIA01' }))
      .expect(201);
    const list = (await h.http().get('/v1/watchlists/').set(token()).expect(200)).body;
    expect(list.map((e: { plate: string }) => e.plate)).toContain('media01');
    const hook = (
      await h
        .http()
        .post('/v1/webhooks/')
        .set(token())
        .send({ target: 'http://93.184.216.34/media' })
        .expect(201)
    ).body;
    await h
      .http()
      .delete(`/v1/webhooks/${hook.id}`)
      .set(token())
      .set('Content-Type', 'text/plain')
      .send('')
      .expect((res) => expect(res.status).toBeLessThan(300));
  });
});
