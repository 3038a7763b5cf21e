/**
 * POST /v1/stream/events: a stream process reports a vehicle event with the account's API key;
 * it is checked, counted once as `stream` (in /v2/quota/daily beside plate_reader, from the one
 * monthly allowance) and queued for each of the account's webhooks; its plate joins the read
 * history and is checked against the watchlists. A malformed event spends nothing.
 */
import { randomUUID } from 'node:crypto';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NotificationsService, QuotaService, WebhooksService } from '@platewise/domain';
import { RedisService } from '@platewise/infra';
import { ReadRecorder } from '../src/reads/read-recorder';
import { ADMIN_TOKEN, Harness, startHarness, uniqueName } from './harness';
import { EXAMPLE_EVENT as EVENT } from '../src/stream/example-event';
import { CLAIM_MS, IdempotencyKeys, KeyClaim } from '../src/stream/idempotency-keys';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('stream events (real PostgreSQL and Redis)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  const daily = async (apiKey: string) =>
    (await h.http().get('/v2/quota/daily').set('Authorization', `Token ${apiKey}`).expect(200)).body
      .quota;

  it('counts each event once as stream and queues it for every webhook', async () => {
    const { account, apiKey } = await h.admin.createAccount(uniqueName('stream'), 'pro');
    const hook = await h.app
      .get(WebhooksService)
      .create(account.id, 'http://hooks.example/stream', false);
    const post = (body: unknown) =>
      h.http().post('/v1/stream/events').set('Authorization', `Token ${apiKey}`).send(body);
    const res = await post(EVENT).expect(201);
    expect(res.body).toEqual({ camera_id: 'gate-1', timestamp: EVENT.timestamp, webhooks: 1 });
    await post({ ...EVENT, camera_id: 'gate-2' }).expect(201);
    const quota = await daily(apiKey);
    expect(quota.stream.count).toBe(2);
    expect(quota.plate_reader.count).toBe(0);
    // One allowance for all request types.
    expect(quota.stream.remaining).toBe(quota.plate_reader.remaining);
    const jobs = await h.webhookJobs(hook.id);
    expect(jobs).toHaveLength(2);
    expect(jobs[0].data.event).toBe('stream.event');
    expect(jobs.map((j) => j.data.data.camera_id).sort()).toEqual(['gate-1', 'gate-2']);
    expect((jobs[0].data.data.results as { direction: number }[])[0].direction).toBe(180);
    await Promise.all(jobs.map((j) => j.remove()));
  });

  it('takes a retried event (same Idempotency-Key) once: counted and sent once', async () => {
    const { account, apiKey } = await h.admin.createAccount(uniqueName('stream-retry'), 'pro');
    const hook = await h.app
      .get(WebhooksService)
      .create(account.id, 'http://hooks.example/retry', false);
    const post = (key: string) =>
      h
        .http()
        .post('/v1/stream/events')
        .set('Authorization', `Token ${apiKey}`)
        .set('Idempotency-Key', key)
        .send(EVENT);
    expect((await post('k-0123456789').expect(201)).body.duplicate).toBeUndefined();
    const again = await post('k-0123456789').expect(201);
    expect(again.body).toEqual({
      camera_id: 'gate-1',
      timestamp: EVENT.timestamp,
      webhooks: 1,
      duplicate: true,
    });
    await post('k-another-one').expect(201);
    await post('bad key!').expect(400);
    expect((await daily(apiKey)).stream.count).toBe(2);
    const jobs = await h.webhookJobs(hook.id);
    expect(jobs).toHaveLength(2);
    await Promise.all(jobs.map((j) => j.remove()));
  });

  it('counts and sends concurrent requests with one Idempotency-Key once; the others are told it is in progress', async () => {
    // A plan whose per-second limit lets every one of them through to the Idempotency-Key.
    const plan = uniqueName('stream-race');
    await h.admin.savePlan({ name: plan });
    const { account, apiKey } = await h.admin.createAccount(uniqueName('stream-race'), plan);
    const hook = await h.app
      .get(WebhooksService)
      .create(account.id, 'http://hooks.example/race', false);
    const post = () =>
      h
        .http()
        .post('/v1/stream/events')
        .set('Authorization', `Token ${apiKey}`)
        .set('Idempotency-Key', 'race-0123456789')
        .send(EVENT);
    // All in flight at once, as a reporter's retry beside its first attempt is.
    const answers = await Promise.all(Array.from({ length: 6 }, post));
    const outcomes = answers.map((r) =>
      r.status === 201 ? (r.body.duplicate ? 'duplicate' : 'taken') : r.status,
    );
    // One taken; each other one in progress (409) or, once the first was counted, a duplicate.
    expect(outcomes.filter((o) => o === 'taken')).toHaveLength(1);
    expect(outcomes.filter((o) => o !== 'taken' && o !== 'duplicate' && o !== 409)).toEqual([]);
    for (const res of answers.filter((r) => r.status === 409)) {
      expect(res.body).toEqual({
        detail:
          'A request with this Idempotency-Key is in progress. Retry once it has been answered.',
        retry_after: 1,
      });
      expect(res.headers['retry-after']).toBe('1');
    }
    const jobs = () => h.webhookJobs(hook.id);
    await new Promise((r) => setTimeout(r, 300));
    expect((await daily(apiKey)).stream.count).toBe(1);
    expect(await jobs()).toHaveLength(1);
    // Once the first is answered, a retry is a duplicate: still counted once.
    expect((await post()).body.duplicate).toBe(true);
    expect((await daily(apiKey)).stream.count).toBe(1);
    await Promise.all((await jobs()).map((j) => j.remove()));
  });

  it('gives a claimed Idempotency-Key up when the call is refused, so its retry is taken', async () => {
    const plan = uniqueName('stream-one');
    await h.admin.savePlan({ name: plan, totalCalls: 1 });
    const { apiKey } = await h.admin.createAccount(uniqueName('stream-refused'), plan);
    const post = (key: string) =>
      h
        .http()
        .post('/v1/stream/events')
        .set('Authorization', `Token ${apiKey}`)
        .set('Idempotency-Key', key)
        .send(EVENT);
    await post('one-0123456789').expect(201);
    // Over the month's one call: refused, not counted, and its key not left held.
    await post('two-0123456789').expect(403);
    const again = await post('two-0123456789');
    expect(again.status).toBe(403);
    expect((await daily(apiKey)).stream.count).toBe(1);
  });

  it("keeps the event's plate in the read history and sends a watchlist match to its own account only", async () => {
    const owner = await h.admin.createAccount(uniqueName('stream-reads'), 'pro');
    const other = await h.admin.createAccount(uniqueName('stream-reads-other'), 'pro');
    await h
      .http()
      .patch(`/admin/accounts/${owner.account.id}`)
      .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
      .send({ readRetentionDays: 7 })
      .expect(200);
    const hooks = h.app.get(WebhooksService);
    const hook = await hooks.create(owner.account.id, 'http://hooks.example/reads', false);
    const otherHook = await hooks.create(other.account.id, 'http://hooks.example/other', false);
    for (const { apiKey } of [owner, other]) {
      await h
        .http()
        .post('/v1/watchlists/')
        .set('Authorization', `Token ${apiKey}`)
        .send({ plate: 'AYO-9034', label: 'van', match: 'exact' })
        .expect(201);
    }
    const post = () =>
      h
        .http()
        .post('/v1/stream/events')
        .set('Authorization', `Token ${owner.apiKey}`)
        .set('Idempotency-Key', 'reads-0123456789')
        .send(EVENT)
        .expect(201);
    await post();
    await post(); // a retry of the same event: neither kept nor matched twice
    const reads = async (apiKey: string) => {
      await h.app.get(ReadRecorder).flush();
      return (
        await h.http().get('/v1/reads/?plate=ayo9034').set('Authorization', `Token ${apiKey}`)
      ).body.results;
    };
    for (let i = 0; i < 50 && (await reads(owner.apiKey)).length === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(await reads(owner.apiKey)).toEqual([
      expect.objectContaining({
        plate: 'ayo9034',
        score: 0.992,
        region: 'br',
        vehicle: { type: 'Sedan', score: 0.8 },
        camera_id: 'gate-1',
        timestamp: EVENT.timestamp,
        request_type: 'stream',
      }),
    ]);
    expect(await reads(other.apiKey)).toEqual([]);
    // The queue is shared with the other suites running beside this one: only this test's hooks.
    const jobs = await h.webhookJobs(hook.id, otherHook.id);
    const matches = jobs.filter((j) => j.data.event === 'watchlist.match');
    expect(matches.map((j) => j.data.webhookId)).toEqual([hook.id]);
    expect(matches[0].data.data).toMatchObject({
      watchlist: { plate: 'ayo9034', label: 'van' },
      read: { plate: 'ayo9034', camera_id: 'gate-1', timestamp: EVENT.timestamp },
    });
    expect(jobs.filter((j) => j.data.webhookId === otherHook.id)).toEqual([]);
    await Promise.all(jobs.filter((j) => j.data.webhookId === hook.id).map((j) => j.remove()));
  });

  it("keeps another account's reads and matches when one read is refused (text, a deleted account)", async () => {
    const [evil, victim] = await Promise.all([
      h.admin.createAccount(uniqueName('stream-nul'), 'pro'),
      h.admin.createAccount(uniqueName('stream-victim'), 'pro'),
    ]);
    for (const { account } of [evil, victim]) {
      await h
        .http()
        .patch(`/admin/accounts/${account.id}`)
        .set('Authorization', `Bearer ${ADMIN_TOKEN}`)
        .send({ readRetentionDays: 7 })
        .expect(200);
    }
    const hook = await h.app
      .get(WebhooksService)
      .create(victim.account.id, 'http://hooks.example/victim', false);
    await h
      .http()
      .post('/v1/watchlists/')
      .set('Authorization', `Token ${victim.apiKey}`)
      .send({ plate: 'AYO9034' })
      .expect(201);
    // PostgreSQL refuses a NUL in text. A JSON body holding one is refused at the door now
    // (checkJsonText); the recorder is still fed such a read directly, as it must not let one
    // refused read cost the reads batched beside it.
    const nul = { ...EVENT.results[0], region: { code: 'br\u0000', score: 0.9 } };
    await h
      .http()
      .post('/v1/stream/events')
      .set('Authorization', `Token ${evil.apiKey}`)
      .send({ ...EVENT, camera_id: 'evil', results: [nul] })
      .expect(400);
    // A read holding one and the victim's, in one batch of the recorder (as two calls a moment
    // apart are).
    const recorder = h.app.get(ReadRecorder);
    const call = (accountId: string, cameraId: string, webhookIds: number[]) => ({
      accountId,
      cameraId,
      requestType: 'stream' as const,
      readRetentionDays: 7,
      webhookIds,
    });
    recorder.record(call(evil.account.id, 'evil', []), {
      results: [nul] as never,
      timestamp: EVENT.timestamp,
    });
    recorder.record(call(victim.account.id, 'victim', [hook.id]), {
      results: EVENT.results as never,
      timestamp: EVENT.timestamp,
    });
    await recorder.flush();
    // And the read of an account deleted since its call, beside another of the victim's.
    recorder.record(call(randomUUID(), 'gone', []), {
      results: EVENT.results as never,
      timestamp: EVENT.timestamp,
    });
    recorder.record(call(victim.account.id, 'victim', [hook.id]), {
      results: EVENT.results as never,
      timestamp: EVENT.timestamp,
    });
    await recorder.flush();
    const read = await h
      .http()
      .get('/v1/reads/?camera_id=victim')
      .set('Authorization', `Token ${victim.apiKey}`)
      .expect(200);
    expect(read.body.results.map((r: { plate: string }) => r.plate)).toEqual([
      'ayo9034',
      'ayo9034',
    ]);
    const jobs = await h.webhookJobs(hook.id);
    expect(jobs.map((j) => j.data.event)).toEqual(['watchlist.match', 'watchlist.match']);
    await Promise.all(jobs.map((j) => j.remove()));
  });

  it('neither counts nor sends an event whose caller left before its answer, and takes its retry', async () => {
    const { account, apiKey } = await h.admin.createAccount(uniqueName('stream-gone'), 'pro');
    const hook = await h.app
      .get(WebhooksService)
      .create(account.id, 'http://hooks.example/gone', false);
    await sendAndLeave(apiKey, 'gone-0123456789');
    await new Promise((r) => setTimeout(r, 300));
    const jobs = () => h.webhookJobs(hook.id);
    expect((await daily(apiKey)).stream.count).toBe(0);
    expect(await jobs()).toHaveLength(0);
    // The reporter's retry, same key: taken, counted and sent once.
    const retried = await h
      .http()
      .post('/v1/stream/events')
      .set('Authorization', `Token ${apiKey}`)
      .set('Idempotency-Key', 'gone-0123456789')
      .send(EVENT)
      .expect(201);
    expect(retried.body.duplicate).toBeUndefined();
    expect((await daily(apiKey)).stream.count).toBe(1);
    const sent = await jobs();
    expect(sent).toHaveLength(1);
    await Promise.all(sent.map((j) => j.remove()));
  });

  it('sends a quota threshold notice for the counted call that reaches it, not for a slot given back', async () => {
    const plan = uniqueName('stream-five');
    await h.admin.savePlan({ name: plan, totalCalls: 5 });
    const { account, apiKey } = await h.admin.createAccount(uniqueName('stream-notice'), plan);
    const post = (key: string) =>
      h
        .http()
        .post('/v1/stream/events')
        .set('Authorization', `Token ${apiKey}`)
        .set('Idempotency-Key', key)
        .send(EVENT)
        .expect(201);
    for (const n of [1, 2, 3]) await post(`five-${n}-0123456789`);
    const quotaNotices = async () =>
      (await h.app.get(NotificationsService).list(account.id)).filter(
        (n) => n.kind === 'quota.threshold',
      );
    // The 4th call (80 % of 5) is sent whole, then its caller hangs up before the answer: its
    // slot is given back, so it must not use up the 80 % notice.
    await sendAndLeave(apiKey, 'five-4-0123456789');
    await new Promise((r) => setTimeout(r, 300));
    expect((await daily(apiKey)).stream.count).toBe(3);
    expect(await quotaNotices()).toEqual([]);
    // Its retry is the call that reaches 80 %: told then, once; a duplicate of it adds nothing.
    expect((await post('five-4-0123456789')).body.duplicate).toBeUndefined();
    for (let i = 0; i < 50 && (await quotaNotices()).length === 0; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect((await post('five-4-0123456789')).body.duplicate).toBe(true);
    await new Promise((r) => setTimeout(r, 300));
    expect((await daily(apiKey)).stream.count).toBe(4);
    expect((await quotaNotices()).map((n) => n.message)).toEqual([
      expect.stringMatching(/^You have used 80 % of your monthly calls \(4 of 5 calls\)/),
    ]);
  });

  /** Sends a whole event, then hangs up before hearing the answer. */
  async function sendAndLeave(apiKey: string, idempotencyKey: string, to = h): Promise<void> {
    const server = to.app.getHttpServer();
    if (!server.listening) await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as AddressInfo;
    const body = Buffer.from(JSON.stringify(EVENT));
    await new Promise<void>((resolve) => {
      const req = request({
        host: '127.0.0.1',
        port,
        path: '/v1/stream/events',
        method: 'POST',
        headers: {
          Authorization: `Token ${apiKey}`,
          'Content-Type': 'application/json',
          'Content-Length': body.length,
          'Idempotency-Key': idempotencyKey,
        },
      });
      req.on('error', () => undefined);
      req.on('close', () => resolve());
      req.end(body, () => req.destroy());
    });
  }

  it('refuses malformed events with 400 and counts none; no key is 403', async () => {
    const { apiKey } = await h.admin.createAccount(uniqueName('stream-bad'), 'pro');
    const post = (body: unknown) =>
      h.http().post('/v1/stream/events').set('Authorization', `Token ${apiKey}`).send(body);
    for (const bad of [
      { ...EVENT, camera_id: 'a b' },
      { ...EVENT, timestamp: 'yesterday' },
      { ...EVENT, direction: 400 },
      { ...EVENT, frames: 0 },
      { ...EVENT, results: [] },
      { ...EVENT, results: [{ ...EVENT.results[0], plate: 42 }] },
      { ...EVENT, results: [{ ...EVENT.results[0], plate: '', candidates: [] }] },
      { ...EVENT, timestamp: '2026-02-30T19:36:25.874Z' },
      { ...EVENT, first_seen: EVENT.last_seen, last_seen: EVENT.first_seen },
      { ...EVENT, extra: 1 },
    ]) {
      const res = await post(bad).expect(400);
      expect(res.body.detail).toMatch(/^Invalid stream event: /);
    }
    await post([EVENT]).expect(400);
    await h.http().post('/v1/stream/events').send(EVENT).expect(403);
    expect((await daily(apiKey)).stream.count).toBe(0);
  });

  /**
   * A call stalled longer than the claim lasts unrenewed (a slow PostgreSQL, a long pause): with
   * a 1-s claim and its quota slot taking 3 s, which a 10-s claim and a 30-s stall would show too.
   */
  describe('a call stalled past its claim', () => {
    const CLAIM = 1000;
    const STALL = 3000;
    let slow: Harness;
    beforeAll(async () => {
      slow = await startHarness({ providers: [{ provide: CLAIM_MS, useValue: CLAIM }] });
    });
    afterAll(() => slow.close());
    afterEach(() => jest.restoreAllMocks());

    /** The next call's quota slot is taken `STALL` ms late; resolves once that call asked for it. */
    const stallNextSlot = () => {
      const quota = slow.app.get(QuotaService);
      const reserve = quota.reserve.bind(quota);
      return new Promise<void>((asked) => {
        jest.spyOn(quota, 'reserve').mockImplementationOnce(async (...args) => {
          asked();
          await sleep(STALL);
          return reserve(...args);
        });
      });
    };
    /**
     * A gateway frozen past its claim: renewals stopped (a frozen process runs none), the call's
     * slot stalled, and the claim left to lapse. Returns the renewal spy and the call's answer.
     */
    const freezePastClaim = async <T>(post: (key: string) => PromiseLike<T>, key: string) => {
      const renew = jest
        .spyOn(KeyClaim.prototype as unknown as { renew(): Promise<void> }, 'renew')
        .mockResolvedValue(undefined);
      const asked = stallNextSlot();
      const first = post(key).then((r) => r);
      await asked;
      await sleep(CLAIM + 300);
      return { renew, first };
    };
    const setUp = async (name: string, plan = 'pro') => {
      const { account, apiKey } = await slow.admin.createAccount(uniqueName(name), plan);
      const hook = await slow.app
        .get(WebhooksService)
        .create(account.id, `http://hooks.example/${name}`, false);
      const post = (key: string) =>
        slow
          .http()
          .post('/v1/stream/events')
          .set('Authorization', `Token ${apiKey}`)
          .set('Idempotency-Key', key)
          .send(EVENT);
      const usage = async () =>
        (
          await slow
            .http()
            .get('/v2/quota/daily')
            .set('Authorization', `Token ${apiKey}`)
            .expect(200)
        ).body.quota.stream.count;
      const jobs = () => h.webhookJobs(hook.id);
      return { account, apiKey, post, usage, jobs };
    };

    it('keeps its key held: a retry beside it is refused with 409 and the event counted once', async () => {
      const { post, usage, jobs } = await setUp('stream-stalled');
      const asked = stallNextSlot();
      const first = post('stalled-0123456789').then((r) => r);
      await asked;
      // Well past the claim, while the first call still waits for its slot.
      await sleep(CLAIM + 500);
      const retry = await post('stalled-0123456789');
      expect(retry.status).toBe(409);
      expect(retry.body.retry_after).toBe(1);
      const answered = await first;
      expect(answered.status).toBe(201);
      expect(answered.body.duplicate).toBeUndefined();
      await sleep(300);
      expect(await usage()).toBe(1);
      expect(await jobs()).toHaveLength(1);
      // Once it was counted, a retry is a duplicate.
      expect((await post('stalled-0123456789').expect(201)).body.duplicate).toBe(true);
      expect(await usage()).toBe(1);
      await Promise.all((await jobs()).map((j) => j.remove()));
    });

    it('refuses a call whose claim was lost while it stalled, rather than count it beside the call that took the key', async () => {
      const { account, post, usage, jobs } = await setUp('stream-lost');
      const asked = stallNextSlot();
      const first = post('lost-0123456789').then((r) => r);
      await asked;
      // The key taken by another call meanwhile (as after a pause longer than the claim, or a
      // Redis failover that lost it): the stalled call must not be counted too.
      const redis = slow.app.get(RedisService);
      const key = `stream-event:${account.id}:lost-0123456789`;
      await redis.set(key, 'in-flight:another-call', 'PX', 60_000);
      const answered = await first;
      expect(answered.status).toBe(409);
      await sleep(300);
      expect(await usage()).toBe(0);
      expect(await jobs()).toHaveLength(0);
      // The other call's claim is left as it was.
      expect(await redis.get(key)).toBe('in-flight:another-call');
      await redis.del(key);
    });

    it('counts an event once when its gateway froze past the claim and a retry was taken and counted meanwhile', async () => {
      const { account, post, usage, jobs } = await setUp('stream-frozen');
      // A frozen process renews nothing: no renewal runs while the first call stalls, so nothing
      // in it notices the claim lapse before it comes to be counted.
      const { renew, first } = await freezePastClaim(post, 'frozen-0123456789');
      // Past the claim: the reporter's retry takes the lapsed key and is counted and sent.
      const retry = await post('frozen-0123456789');
      expect(retry.status).toBe(201);
      expect(retry.body.duplicate).toBeUndefined();
      expect(renew).toHaveBeenCalled();
      // The first call thaws with its slot: its key is no longer its own, so it is refused, not
      // counted beside the retry, and sends nothing.
      const answered = await first;
      expect(answered.status).toBe(409);
      expect(answered.body.retry_after).toBe(1);
      await sleep(300);
      expect(await usage()).toBe(1);
      expect(await jobs()).toHaveLength(1);
      expect(
        await slow.app.get(RedisService).get(`stream-event:${account.id}:frozen-0123456789`),
      ).toBe('done');
      // And the event stays taken once: a later retry is a duplicate.
      expect((await post('frozen-0123456789').expect(201)).body.duplicate).toBe(true);
      expect(await usage()).toBe(1);
      await Promise.all((await jobs()).map((j) => j.remove()));
    });

    it('refuses a call that froze past its claim with no retry meanwhile, and takes its retry then', async () => {
      const { account, post, usage, jobs } = await setUp('stream-thawed');
      const { first } = await freezePastClaim(post, 'thawed-0123456789');
      // Its claim lapsed: the key is free, though no retry took it. Not taken back by the call
      // (a retry may have come and gone meanwhile); the reporter retries on 409.
      const key = `stream-event:${account.id}:thawed-0123456789`;
      expect(await slow.app.get(RedisService).get(key)).toBeNull();
      expect((await first).status).toBe(409);
      await sleep(300);
      expect(await usage()).toBe(0);
      expect(await jobs()).toHaveLength(0);
      expect((await post('thawed-0123456789').expect(201)).body.duplicate).toBeUndefined();
      await sleep(300);
      expect(await usage()).toBe(1);
      expect(await jobs()).toHaveLength(1);
      await Promise.all((await jobs()).map((j) => j.remove()));
    });

    it("lets the key of a call that died mid-call go within the claim's length, for its retry to be taken", async () => {
      const { account, post, usage, jobs } = await setUp('stream-dead');
      const claimed = await slow.app
        .get(IdempotencyKeys)
        .claim(`stream-event:${account.id}:dead-0123456789`);
      if (claimed.state !== 'claimed') throw new Error(`not claimed: ${claimed.state}`);
      // Alive, it is held past the claim's length.
      await sleep(2 * CLAIM);
      await post('dead-0123456789').expect(409);
      // Its gateway killed: no renewal, and nothing given up.
      claimed.claim.stop();
      await sleep(CLAIM + 200);
      expect((await post('dead-0123456789').expect(201)).body.duplicate).toBeUndefined();
      await sleep(300);
      expect(await usage()).toBe(1);
      await Promise.all((await jobs()).map((j) => j.remove()));
    });

    it('stops renewing a claim however its call ends: counted, refused, failed, or its caller gone', async () => {
      const { account, apiKey, post, jobs } = await setUp('stream-ends');
      const keys = slow.app.get(IdempotencyKeys);
      const claims: KeyClaim[] = [];
      const claim = keys.claim.bind(keys);
      jest.spyOn(keys, 'claim').mockImplementation(async (key) => {
        const claimed = await claim(key);
        if (claimed.state === 'claimed') claims.push(claimed.claim);
        return claimed;
      });
      const redis = slow.app.get(RedisService);
      // Once its call has ended, no longer renewed; the key as that end leaves it, checked at the
      // end, a claim's length later, when a renewal still scheduled would have set it again.
      const leaves: [string, string | null][] = [];
      const ended = async (accountId: string, idempotencyKey: string, holds: string | null) => {
        const last = claims[claims.length - 1];
        for (let i = 0; i < 40 && last.renewing; i++) await sleep(50);
        expect(last.renewing).toBe(false);
        leaves.push([`stream-event:${accountId}:${idempotencyKey}`, holds]);
      };
      // Counted: remembered as taken.
      await post('ends-counted-0123').expect(201);
      await ended(account.id, 'ends-counted-0123', 'done');
      // Failed (PostgreSQL away while the slot was taken): given up.
      jest
        .spyOn(slow.app.get(QuotaService), 'reserve')
        .mockRejectedValueOnce(new Error('PostgreSQL away (a test)'));
      await post('ends-failed-01234').expect(500);
      await ended(account.id, 'ends-failed-01234', null);
      // Its caller gone before the answer, while the slot was still being taken: given up.
      const asked = stallNextSlot();
      await sendAndLeave(apiKey, 'ends-gone-0123456', slow);
      await asked;
      await sleep(STALL + 200);
      await ended(account.id, 'ends-gone-0123456', null);
      // Refused: over a plan's one call a month.
      const plan = uniqueName('stream-ends-one');
      await slow.admin.savePlan({ name: plan, totalCalls: 1 });
      const one = await setUp('stream-ends-one', plan);
      await one.post('ends-first-012345').expect(201);
      await ended(one.account.id, 'ends-first-012345', 'done');
      await one.post('ends-refused-0123').expect(403);
      await ended(one.account.id, 'ends-refused-0123', null);
      await sleep(CLAIM + 200);
      for (const [key, holds] of leaves) expect([key, await redis.get(key)]).toEqual([key, holds]);
      expect(claims).toHaveLength(5);
      await Promise.all([...(await jobs()), ...(await one.jobs())].map((j) => j.remove()));
    });
  });
});
