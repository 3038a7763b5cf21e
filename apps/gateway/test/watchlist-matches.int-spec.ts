/**
 * One watchlist match per watched plate a read matches: a plate watched both `exact` and
 * `lookalike` was told twice (two notices, two e-mails, two `watchlist.match` events) for one car;
 * now once, under the exact entry. Two different watched plates near one read are both told.
 */
import { NotificationsService, WatchlistsService, WebhooksService } from '@platewise/domain';
import { RedisService } from '@platewise/infra';
import { ReadRecorder } from '../src/reads/read-recorder';
import { Harness, startHarness, uniqueName } from './harness';

describe('watchlist matches: one per read (real PostgreSQL and Redis)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('tells a read matching an exact and a lookalike entry of one plate once, under the exact entry; two plates twice', async () => {
    const { account } = await h.admin.createAccount(uniqueName('watch-once'), 'pro');
    const hook = await h.app
      .get(WebhooksService)
      .create(account.id, 'http://hooks.example/watch', false);
    const watchlists = h.app.get(WatchlistsService);
    // The lookalike entry first: the oldest is not what decides.
    const near = await watchlists.create(account.id, { plate: 'ABC123', match: 'lookalike' });
    const exact = await watchlists.create(account.id, {
      plate: 'ABC123',
      label: 'stolen van',
      match: 'exact',
    });
    const recorder = h.app.get(ReadRecorder);
    const read = (plate: string) =>
      recorder.record(
        {
          accountId: account.id,
          cameraId: 'gate-1',
          requestType: 'stream',
          readRetentionDays: 0,
          webhookIds: [hook.id],
        },
        {
          results: [{ plate, score: 0.9, candidates: [{ plate, score: 0.9 }] }] as never,
          timestamp: '2026-12-05T19:36:25Z',
        },
      );
    read('abc123');
    await recorder.flush();

    const notices = (await h.app.get(NotificationsService).list(account.id)).filter(
      (n) => n.kind === 'watchlist.match',
    );
    expect(notices.map((n) => n.message)).toEqual([
      expect.stringContaining('matching your watchlist entry abc123 (stolen van) (exact,'),
    ]);
    const redis = h.app.get(RedisService);
    // One e-mail: only the exact entry's throttle was taken.
    expect(await redis.exists(`watch-mail:${exact.id}`)).toBe(1);
    expect(await redis.exists(`watch-mail:${near.id}`)).toBe(0);
    const jobs = () => h.webhookJobs(hook.id);
    const events = await jobs();
    expect(events.map((j) => j.data.event)).toEqual(['watchlist.match']);
    expect(JSON.stringify(events[0].data)).toContain('stolen van');
    await Promise.all(events.map((j) => j.remove()));

    // A plate only the lookalike entry matches is still told, under it.
    read('abc128');
    await recorder.flush();
    const after = (await h.app.get(NotificationsService).list(account.id)).filter(
      (n) => n.kind === 'watchlist.match',
    );
    expect(after).toHaveLength(2);
    expect(after[0].message).toContain('ABC128 was read by camera gate-1');
    expect(after[0].message).toContain('entry abc123 (lookalike,');
    const more = await jobs();
    expect(more.map((j) => j.data.event)).toEqual(['watchlist.match']);
    await Promise.all(more.map((j) => j.remove()));

    // Two different watched plates the read is near are two cars looked for: each is told.
    await watchlists.create(account.id, { plate: 'XYZ120', label: 'van', match: 'lookalike' });
    await watchlists.create(account.id, { plate: 'XYZ128', label: 'car', match: 'lookalike' });
    read('xyz12b');
    await recorder.flush();
    const both = (await h.app.get(NotificationsService).list(account.id))
      .filter((n) => n.message.includes('XYZ12B'))
      .map((n) => n.message.match(/entry (\w+)/)![1])
      .sort();
    expect(both).toEqual(['xyz120', 'xyz128']);
    expect((await jobs()).map((j) => j.data.event)).toEqual(['watchlist.match', 'watchlist.match']);
  });
});
