/**
 * The worker's half of the Redis hand-over (HandOverTransport is the other): on the real Redis,
 * with an engine that answers, throws or waits on demand, since a real one cannot be made to fail.
 */
import { EngineTimeoutError } from '@platewise/engine/config';
import { loadConfig, RedisService } from '@platewise/infra';
import type { RecognitionCall } from '../contract';
import { RecognitionHandler } from '../handler';
import { pollUntil } from '../test-support/poll';
import { replyListener, specCall } from '../test-support/replies';
import { runScript } from '@platewise/infra';
import {
  encodeJob,
  handOverStep,
  MAX_STALLS,
  QUEUE_KEYS,
  RecognitionQueue,
  STALLED_FAILURE,
} from './handover';
import { HandOverJobs, RecognitionJobObserver } from './handover-jobs';
import { HandOverRecognitionWorker } from './handover-worker';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('HandOverRecognitionWorker with its jobs in this thread (HandOverJobs)', () => {
  const config = loadConfig({
    ...process.env,
    REDIS_PREFIX: `${process.env.REDIS_PREFIX}handover-worker:`,
    WORKER_LOCK_MS: '1000',
  });
  const redis = RedisService.connect(config);
  const queue = new RecognitionQueue(redis);
  let read: () => Promise<unknown> = async () => ({ processing_time: 12.5, results: [] });
  const redacted = Buffer.from('redacted jpeg bytes');
  const engine = {
    read: () => read() as never,
    redact: async () => ({
      processing_time: 30,
      image: redacted,
      content_type: 'image/jpeg' as const,
      width: 2,
      height: 1,
      plates: [{ box: { xmin: 0, ymin: 0, xmax: 1, ymax: 1 }, score: 0.9 }],
      faces: [],
    }),
  };
  const observed: string[] = [];
  const observer: RecognitionJobObserver = {
    ended: (mode, outcome) => observed.push(`${mode} ${outcome}`),
    failed: (reason) => observed.push(reason),
  };
  const handler = new RecognitionHandler(engine);
  const channel = `${config.REDIS_PREFIX}replies:spec`;
  const { replies, replyTo, ...listener } = replyListener(redis, channel);
  const workers: HandOverRecognitionWorker[] = [];
  const startWorker = (concurrency = 1) => {
    const settings = { ...config, WORKER_CONCURRENCY: concurrency };
    const worker = new HandOverRecognitionWorker(
      new HandOverJobs(handler, settings, redis, observer),
      settings,
      redis,
      observer,
    );
    worker.start(() => undefined);
    workers.push(worker);
    return worker;
  };

  const element = (
    id: string,
    extra: Partial<RecognitionCall> = {},
    deadline = Date.now() + 60_000,
  ) =>
    encodeJob(
      { id, replyTo: channel, deadline, call: specCall(extra) },
      Buffer.from('image bytes'),
    );
  const queued = (id: string, extra: Partial<RecognitionCall> = {}) =>
    redis.lpush(QUEUE_KEYS.wait, element(id, extra));

  const empty = async () => {
    const counts = await queue.counts();
    return counts.waiting + counts.paused + counts.active === 0;
  };

  beforeAll(async () => {
    await queue.obliterate();
    await listener.start();
  });

  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.close()));
    observed.length = 0;
    read = async () => ({ processing_time: 12.5, results: [] });
  });

  afterAll(async () => {
    await queue.obliterate();
    await Promise.all([listener.close(), redis.quit()]);
  });

  it('takes a job with its image, publishes the Snapshot response and empties its slot', async () => {
    startWorker();
    await queued('served');
    const reply = await replyTo('served');
    expect(reply?.outcome).toEqual({
      processing_time: 12.5,
      results: [],
      filename: 'car.jpg',
      version: 1,
      camera_id: null,
      timestamp: '2026-01-01T00:00:00.000Z',
    });
    expect(reply?.workerMs).toBeGreaterThan(0);
    expect(await empty()).toBe(true);
    expect(observed).toEqual(['regular served']);
  });

  it('puts a redacted image in its own key and publishes only the key, not the bytes', async () => {
    startWorker();
    const redact = {
      hide: ['plates' as const],
      method: 'blur' as const,
      strength: 6,
      format: null,
    };
    await queued('redaction', { redact });
    const reply = await replyTo('redaction');
    expect(reply?.imageKey).toBe('redacted:redaction');
    expect(reply?.outcome).toMatchObject({ image: '', width: 2, plates: [{ score: 0.9 }] });
    expect(await redis.getBuffer('redacted:redaction')).toEqual(redacted);
    const ttl = await redis.pttl('redacted:redaction');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    await redis.del('redacted:redaction');
  });

  it('runs a failed job a second time, silently; the failure of the second is published', async () => {
    let runs = 0;
    read = async () => {
      runs++;
      throw new Error('engine crashed');
    };
    startWorker();
    await queued('failed');
    expect((await replyTo('failed'))?.outcome).toEqual({ failed: 'engine crashed' });
    expect(runs).toBe(2);
    expect(replies.filter((r) => r.jobId === 'failed')).toHaveLength(1);
    expect(await empty()).toBe(true);
    expect(await redis.hlen(QUEUE_KEYS.tries)).toBe(0);
    expect(observed).toEqual(['engine_error', 'regular failed', 'engine_error', 'regular failed']);
  });

  it('answers once the second attempt succeeds', async () => {
    let runs = 0;
    read = async () => {
      if (++runs === 1) throw new Error('engine crashed');
      return { processing_time: 1, results: [] };
    };
    startWorker();
    await queued('second');
    expect((await replyTo('second'))?.outcome).toMatchObject({ processing_time: 1 });
    expect(runs).toBe(2);
    expect(await redis.hlen(QUEUE_KEYS.tries)).toBe(0);
  });

  it('fails at once, not retried, an image past the engine time limit or a job nobody waits for', async () => {
    let runs = 0;
    read = async () => {
      runs++;
      throw new EngineTimeoutError(1000);
    };
    startWorker();
    await queued('slow');
    expect((await replyTo('slow'))?.outcome).toMatchObject({ reason: 'engine_timeout' });
    expect(runs).toBe(1);
    await redis.lpush(QUEUE_KEYS.wait, element('expired', {}, Date.now() - 1));
    expect((await replyTo('expired'))?.outcome).toEqual({
      failed: 'the image expired before a worker took the job',
    });
    expect(runs).toBe(1);
    expect(observed).toEqual([
      'engine_timeout',
      'regular failed',
      'image_expired',
      'regular failed',
    ]);
    expect(await empty()).toBe(true);
  });

  it("takes over a dead worker's job once its lock has expired, and fails one that stalled too often", async () => {
    // What a worker killed mid-job leaves: listed, its job in its slot, its lock gone.
    await redis.hset(QUEUE_KEYS.workers, 'dead', 1);
    await redis.lpush(QUEUE_KEYS.active('dead', 0), element('orphan'));
    await redis.hset(QUEUE_KEYS.workers, 'dead2', 1);
    await redis.lpush(QUEUE_KEYS.active('dead2', 0), element('stalled'));
    await redis.hset(QUEUE_KEYS.tries, 'stalled:stalled', MAX_STALLS);
    startWorker();
    expect((await replyTo('orphan'))?.outcome).toMatchObject({ processing_time: 12.5 });
    expect((await replyTo('stalled'))?.outcome).toEqual({ failed: STALLED_FAILURE });
    expect(observed.filter((o) => o === 'stalled')).toHaveLength(2);
    expect(await redis.hexists(QUEUE_KEYS.workers, 'dead')).toBe(0);
    expect(await empty()).toBe(true);
  });

  it('on close finishes its jobs in progress, takes no more, and leaves the list of workers', async () => {
    let release = () => undefined as void;
    read = () =>
      new Promise((resolve) => (release = () => resolve({ processing_time: 2, results: [] })));
    const worker = startWorker(2);
    await queued('draining');
    await pollUntil(async () => (await queue.counts()).active > 0, 3_000);
    expect(await queue.activeJobs()).toEqual(['draining']);
    const closed = worker.close();
    await sleep(50);
    await queued('left');
    release();
    await closed;
    expect((await replyTo('draining'))?.outcome).toMatchObject({ processing_time: 2 });
    expect(await replyTo('left', 300)).toBeUndefined();
    expect(await queue.counts()).toEqual({ waiting: 1, paused: 0, active: 0 });
    expect(await redis.hlen(QUEUE_KEYS.workers)).toBe(0);
    // Another worker takes what was left.
    read = async () => ({ processing_time: 12.5, results: [] });
    startWorker();
    expect((await replyTo('left'))?.outcome).toMatchObject({ processing_time: 12.5 });
  });

  it('takes nothing while the queue is held; the held jobs run once it is released', async () => {
    await queued('before');
    await queue.pause(); // what waited already is held too
    startWorker();
    await runScript(redis, handOverStep(element('held')));
    await sleep(200);
    expect(await queue.counts()).toEqual({ waiting: 0, paused: 2, active: 0 });
    expect(replies.some((r) => r.jobId === 'held' || r.jobId === 'before')).toBe(false);
    await queue.resume();
    expect(await replyTo('before')).toBeDefined();
    expect(await replyTo('held')).toBeDefined();
    expect(await empty()).toBe(true);
  });
});
