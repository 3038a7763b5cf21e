/**
 * Read history, watchlists and notice e-mails end to end: the built gateway and worker, a real
 * SMTP server on loopback in this process (smtp-server), real photos read by the engine.
 */
import { verifyWebhookSignature } from '../../libs/safe-fetch/src';
import { testPlan } from '../../libs/domain/src/test-support/test-plan';
import { GATEWAY_READY, Running, startApp, WORKER_READY } from './processes';
import { testPort } from './services';
import { smtpServer } from './smtp-server';
import {
  ADMIN_TOKEN,
  ALLOWED_HOST,
  BR,
  localServer,
  photo,
  upload,
  US,
  waitFor,
} from './snapshot-support';

const port = testPort();
const base = `http://127.0.0.1:${port}`;

describe('read history, watchlists and e-mail notices through the gateway and worker', () => {
  let gateway: Running;
  let worker: Running;
  let smtp: Awaited<ReturnType<typeof smtpServer>>;
  let smtpOpen = true;

  const admin = (method: string, path: string, body: unknown) =>
    fetch(`${base}/admin${path}`, {
      method,
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  const asOwner = (key: string, path: string, init: RequestInit = {}) =>
    fetch(`${base}${path}`, {
      ...init,
      headers: { Authorization: `Token ${key}`, 'Content-Type': 'application/json' },
    });
  const read = async (key: string, image: Buffer, fields: Record<string, string> = {}) => {
    const res = await fetch(`${base}/v1/plate-reader/`, {
      method: 'POST',
      headers: { Authorization: `Token ${key}` },
      body: upload(image, 'car.jpg', { camera_id: 'gate-1', ...fields }),
    });
    expect(res.status).toBe(201);
    return res.json();
  };

  async function account(plan: string, settings: Record<string, unknown>) {
    const res = await admin('POST', '/accounts', {
      username: `notices-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`,
      plan,
      ...settings,
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { account: { id: string; email: string }; apiKey: string };
  }

  beforeAll(async () => {
    smtp = await smtpServer();
    const env = {
      PORT: String(port),
      ADMIN_TOKEN,
      FETCH_ALLOW_HOSTS: ALLOWED_HOST,
      SMTP_URL: smtp.url,
      MAIL_FROM: 'platewise <alpr@example.com>',
      WEBHOOK_BACKOFF_MS: '300',
      PUBLIC_URL: base,
    };
    [gateway, worker] = await Promise.all([
      startApp('gateway', env, GATEWAY_READY),
      startApp('worker', env, WORKER_READY),
    ]);
  }, 90_000);

  afterAll(async () => {
    await Promise.all([gateway?.stop(), worker?.stop()]);
    if (smtpOpen) await smtp?.close();
  });

  it('e-mails "80 %" once at the 8th of 10 calls, and a watched plate by e-mail and signed webhook; the reads are searchable', async () => {
    const plan = `ten-${Date.now().toString(36)}`;
    expect((await admin('PUT', '/plans', testPlan({ name: plan, totalCalls: 10 }))).status).toBe(
      200,
    );
    const owner = await account(plan, { email: 'owner@example.com', readRetentionDays: 30 });
    expect(owner.account).toMatchObject({ email: 'owner@example.com', readRetentionDays: 30 });
    const hooks = await localServer(() => [200, {}, 'ok']);
    const hook = await (
      await asOwner(owner.apiKey, '/v1/webhooks/', {
        method: 'POST',
        body: JSON.stringify({ target: `${hooks.url}/in` }),
      })
    ).json();
    // Look-alike: 0 for O, one character changed.
    const watched = await asOwner(owner.apiKey, '/v1/watchlists/', {
      method: 'POST',
      // any case, as the API's other choices (`mode`, `method`) take it
      body: JSON.stringify({ plate: 'AY0-9035', label: 'stolen van', match: 'LookAlike' }),
    });
    expect(watched.status).toBe(201);
    expect((await watched.json()).match).toBe('lookalike');

    for (let i = 0; i < 7; i++) await read(owner.apiKey, photo(US.path), { regions: 'us' });
    expect(smtp.mails.filter((m) => m.text.includes('80 %'))).toHaveLength(0);
    await read(owner.apiKey, photo(BR.path), { regions: 'br' });

    await waitFor(
      () =>
        smtp.mails.some((m) => m.text.includes('80 %')) &&
        smtp.mails.some((m) => m.text.includes(BR.plate.toUpperCase())),
      20_000,
    );
    await new Promise((r) => setTimeout(r, 1000)); // nothing more should come
    const quota = smtp.mails.filter((m) => /\d+ %/.test(m.subject));
    expect(quota).toHaveLength(1);
    expect(quota[0]).toMatchObject({ to: 'owner@example.com' });
    expect(quota[0]!.text).toMatch(/You have used 80 % of your monthly calls \(8 of 10 calls\)/);
    const match = smtp.mails.filter((m) => m.text.includes(BR.plate.toUpperCase()));
    expect(match).toHaveLength(1);
    expect(match[0]!.text).toMatch(/matching your watchlist entry ay09035 \(stolen van\)/);
    // every e-mail says where the rest is
    expect(quota[0]!.text).toContain(`Your dashboard: ${base}/app/`);

    await waitFor(
      () =>
        hooks.received.some((r) => JSON.parse(r.body.toString()).hook.event === 'watchlist.match'),
      20_000,
    );
    const event = hooks.received.find(
      (r) => JSON.parse(r.body.toString()).hook.event === 'watchlist.match',
    )!;
    expect(
      verifyWebhookSignature(
        hook.secret,
        event.headers['x-platewise-signature'] as string,
        event.body,
      ),
    ).toBe(true);
    expect(JSON.parse(event.body.toString()).data).toMatchObject({
      watchlist: { plate: 'ay09035', label: 'stolen van', match: 'lookalike' },
      read: { plate: BR.plate, camera_id: 'gate-1', region: 'br' },
    });

    const search = async (query: string) =>
      (await (await asOwner(owner.apiKey, `/v1/reads/?${query}`)).json()) as {
        results: { plate: string }[];
        next: string | null;
      };
    await waitFor(async () => (await search(`plate=${US.plate}`)).results.length === 7, 10_000);
    expect((await search(`plate=AY09O34&match=lookalike`)).results.map((r) => r.plate)).toEqual([
      BR.plate,
    ]);
    expect((await search(`plate=${BR.plate.slice(0, 3)}&match=prefix`)).results).toHaveLength(1);
    const page = await search('limit=5');
    expect(page.results).toHaveLength(5);
    expect((await search(`limit=5&cursor=${page.next}`)).results).toHaveLength(3);
    const bad = await asOwner(owner.apiKey, '/v1/reads/?match=fuzzy');
    expect(bad.status).toBe(400);

    // The watched car read again at once: listed and sent to the webhook, not e-mailed again.
    await read(owner.apiKey, photo(BR.path), { regions: 'br' });
    const matches = () =>
      hooks.received.filter((r) => JSON.parse(r.body.toString()).hook.event === 'watchlist.match');
    await waitFor(() => matches().length === 2, 20_000);
    const listed = (await (
      await fetch(`${base}/admin/notifications?accountId=${owner.account.id}`, {
        headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
      })
    ).json()) as { kind: string }[];
    expect(listed.filter((n) => n.kind === 'watchlist.match')).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 1000)); // an e-mail would be here by now
    expect(smtp.mails.filter((m) => m.text.includes(BR.plate.toUpperCase()))).toHaveLength(1);
    await hooks.close();
  }, 180_000);

  it('stores nothing for an account with retention off, and shows no other account its reads', async () => {
    const plan = `roomy-${Date.now().toString(36)}`;
    await admin('PUT', '/plans', testPlan({ name: plan }));
    const off = await account(plan, {});
    await read(off.apiKey, photo(US.path), { regions: 'us' });
    const on = await account(plan, { readRetentionDays: 1 });
    await read(on.apiKey, photo(US.path), { regions: 'us' });
    const reads = async (key: string) =>
      (
        (await (await asOwner(key, `/v1/reads/?plate=${US.plate}`)).json()) as {
          results: unknown[];
        }
      ).results;
    await waitFor(async () => (await reads(on.apiKey)).length === 1, 10_000);
    expect(await reads(off.apiKey)).toEqual([]);
  }, 120_000);

  it('serves calls while the SMTP server is down: the notice is listed, its e-mail waits in the queue', async () => {
    await smtp.close();
    smtpOpen = false;
    const plan = `one-${Date.now().toString(36)}`;
    await admin('PUT', '/plans', testPlan({ name: plan, totalCalls: 1 }));
    const owner = await account(plan, { email: 'owner@example.com' });
    const before = smtp.mails.length;
    // The first call reaches the limit: its notice is queued, never waited for.
    await read(owner.apiKey, photo(US.path), { regions: 'us' });
    await waitFor(async () => {
      const notes = (await (
        await fetch(`${base}/admin/notifications?accountId=${owner.account.id}`, {
          headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
        })
      ).json()) as { message: string }[];
      // The limit's notice says what the next call gets (the plan has no overage).
      return notes.some(
        (n) =>
          n.message.includes('all of your monthly calls (1 of 1 calls)') &&
          n.message.includes('Further calls are refused (403) until the allowance resets on'),
      );
    }, 10_000);
    expect(smtp.mails.length).toBe(before);
  }, 120_000);
});
