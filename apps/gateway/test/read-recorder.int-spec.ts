/**
 * The reads of counted calls, and their watchlist matches, while PostgreSQL or Redis fails a
 * write: kept and written once it is back, from where the write stopped — each read stored once,
 * each match told once (one notice, one `watchlist.match` event). A batch whose write failed was
 * dropped ("reads not stored"), its matches with it. Operators see how many are held
 * (`platewise_reads_pending`).
 */
import {
  NotificationsService,
  ReadsService,
  WatchlistsService,
  WebhooksService,
} from '@platewise/domain';
import { RedisService } from '@platewise/infra';
import { BullMqWebhookSink } from '@platewise/recognition';
import { MetricsService } from '../src/metrics/metrics.service';
import { ReadRecorder } from '../src/reads/read-recorder';
import { Harness, startHarness, uniqueName } from './harness';

/** `real` with `method` failing as a lost connection does, `times` times, then as it is. */
function failing<T extends object>(real: T, method: keyof T, times: number) {
  const calls = { failed: 0, passed: 0 };
  const proxy = new Proxy(real, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      if (prop !== method) return value.bind(target);
      return (...args: unknown[]) => {
        if (calls.failed < times) {
          calls.failed++;
          return Promise.reject(new Error('Connection terminated unexpectedly'));
        }
        calls.passed++;
        return value.apply(target, args);
      };
    },
  });
  return { proxy, calls };
}

describe('read recorder: a failed write is retried, not dropped (real PostgreSQL and Redis)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(() => h.close());

  it('stores the reads once the database is back and tells their match once, resuming where each attempt failed', async () => {
    const { account } = await h.admin.createAccount(uniqueName('rec-retry'), 'pro');
    const hook = await h.app
      .get(WebhooksService)
      .create(account.id, 'http://hooks.example/rec', false);
    const jobs = () => h.webhookJobs(hook.id);
    const entry = await h.app
      .get(WatchlistsService)
      .create(account.id, { plate: 'RTR123', match: 'exact' });
    // The insert fails twice; then the watchlists' query once, the reads being stored; then the
    // event's enqueue once, the match's notice being recorded.
    const reads = failing(h.app.get(ReadsService), 'insert', 2);
    const metrics = new MetricsService();
    const watchlists = failing(h.app.get(WatchlistsService), 'byAccount', 1);
    const events = failing(h.app.get(BullMqWebhookSink), 'enqueueEvent', 1);
    const recorder = new ReadRecorder(
      reads.proxy,
      watchlists.proxy,
      h.app.get(NotificationsService),
      events.proxy,
      h.app.get(RedisService),
      metrics,
    );
    const plates = ['rtr123', 'oth456'];
    recorder.record(
      {
        accountId: account.id,
        cameraId: 'gate-1',
        requestType: 'plate_reader',
        readRetentionDays: 30,
        webhookIds: [hook.id],
      },
      {
        results: plates.map((plate) => ({ plate, score: 0.9, candidates: [] })) as never,
        timestamp: '2026-12-07T20:00:00Z',
      },
    );
    try {
      await recorder.flush();
      // held, and shown to operators
      expect(await metrics.scrape()).toMatch(/^platewise_reads_pending 2$/m);
      // retried after 100, 250, 500 and 1000 ms
      const told = async () => (await jobs()).length > 0;
      const deadline = Date.now() + 10_000;
      while (!(await told()) && Date.now() < deadline) await sleep(100);
      await recorder.flush();
    } finally {
      await recorder.onApplicationShutdown();
    }
    expect(await metrics.scrape()).toMatch(/^platewise_reads_pending 0$/m);
    expect(await metrics.scrape()).not.toMatch(/^platewise_reads_dropped_total\{/m);
    expect([reads.calls, watchlists.calls, events.calls]).toEqual([
      { failed: 2, passed: 1 },
      { failed: 1, passed: 2 },
      { failed: 1, passed: 1 },
    ]);
    const stored = await h.app.get(ReadsService).search(account.id, { limit: 10 });
    expect(stored.results.map((r) => r.plate).sort()).toEqual([...plates].sort());
    const notices = (await h.app.get(NotificationsService).list(account.id)).filter(
      (n) => n.kind === 'watchlist.match',
    );
    expect(notices).toHaveLength(1);
    const told = await jobs();
    expect(
      told.map((j) => [j.data.event, (j.data.data as { watchlist: { id: number } }).watchlist.id]),
    ).toEqual([['watchlist.match', entry.id]]);
    await Promise.all(told.map((j) => j.remove()));
  });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
