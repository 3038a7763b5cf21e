/**
 * A worker's jobs in the engine's thread (JobThread with the built thread script, on the real
 * Redis), the engine a stand-in that hangs or crashes on demand: the answer comes from the
 * thread, the main thread hears of it after, and a read past the time limit or a thread that dies
 * costs only the jobs it held.
 */
import { loadConfig, RedisService } from '@platewise/infra';
import { join } from 'node:path';
import { pollUntil } from '../../test-support/poll';
import { replyListener, specCall } from '../../test-support/replies';
import { encodeJob, QUEUE_KEYS, RecognitionQueue } from '../handover';
import type { RecognitionJobObserver } from '../handover-jobs';
import { HandOverRecognitionWorker } from '../handover-worker';
import { JobThread } from './job-thread';

const BUILT_ENTRY = join(__dirname, '../../../dist/transports/job-thread/entry.js');
const SCRIPTED_ENGINE = join(__dirname, '../../test-support/scripted-engine.js');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('JobThread', () => {
  const config = loadConfig({
    ...process.env,
    REDIS_PREFIX: `${process.env.REDIS_PREFIX}job-thread:`,
    WORKER_LOCK_MS: '1000',
    WORKER_CONCURRENCY: '2',
    ENGINE_READ_TIMEOUT_MS: '1000',
  });
  const redis = RedisService.connect(config);
  const queue = new RecognitionQueue(redis);
  const channel = `${config.REDIS_PREFIX}replies:spec`;
  const { replyTo, ...listener } = replyListener(redis, channel);
  const observed: string[] = [];
  const phases: string[] = [];
  const replaced: string[] = [];
  const observer: RecognitionJobObserver = {
    ended: (mode, outcome) => observed.push(`${mode} ${outcome}`),
    failed: (reason) => observed.push(reason),
  };
  let worker: HandOverRecognitionWorker;

  /** Waits up to a second for the main thread to hear of `outcome` (it comes after the answer). */
  const heard = async (outcome: string) => {
    await pollUntil(() => observed.includes(outcome), 1_000);
  };

  /** A job whose image is the stand-in engine's script. */
  const queued = (id: string, script: string) =>
    redis.lpush(
      QUEUE_KEYS.wait,
      encodeJob(
        { id, replyTo: channel, deadline: Date.now() + 60_000, call: specCall({ filename: id }) },
        Buffer.from(script),
      ),
    );

  beforeAll(async () => {
    await queue.obliterate();
    await listener.start();
  });

  beforeEach(async () => {
    const jobs = await JobThread.open({
      config,
      engine: {},
      redis,
      observer,
      onPhase: (phase) => phases.push(phase),
      onReplaced: (reason) => replaced.push(reason),
      entry: BUILT_ENTRY,
      engineModule: SCRIPTED_ENGINE,
    });
    expect(jobs.loadTimeMs).toBe(1);
    worker = new HandOverRecognitionWorker(jobs, config, redis, observer);
    worker.start(() => undefined);
  });

  afterEach(async () => {
    await worker.close();
    observed.length = phases.length = replaced.length = 0;
  });

  afterAll(async () => {
    await queue.obliterate();
    await Promise.all([listener.close(), redis.quit()]);
  });

  it('answers from the thread; the metrics hear of it after', async () => {
    await queued('served', 'a photo');
    expect((await replyTo('served'))?.outcome).toMatchObject({ processing_time: 1, results: [] });
    await heard('regular served');
    expect(phases).toEqual(['decode']);
    expect(observed).toEqual(['regular served']);
    expect(await queue.counts()).toEqual({ waiting: 0, paused: 0, active: 0 });
  });

  it('fails a read past the time limit for good, while this thread runs on; the job beside it is retried', async () => {
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 20);
    // The second taken while the first waits to hang; still running, within the limit, when the
    // first is stopped; done when retried.
    await queued('stuck', 'hang:600');
    await sleep(400);
    await queued('beside', `until:${Date.now() + 2100}`);
    // Answered once the thread, deaf to being told to stop, is terminated (STOP_GRACE_MS).
    const stuck = await replyTo('stuck', 5_000);
    expect(stuck?.outcome).toMatchObject({ reason: 'engine_timeout' });
    // This thread's timers ran all along (about 50 a second; a blocked loop gives none).
    expect(ticks).toBeGreaterThan(25);
    clearInterval(ticker);
    // Taken again by the new thread, it finishes there.
    expect((await replyTo('beside'))?.outcome).toMatchObject({ processing_time: 1 });
    // The main thread hears of the outcome after the answer.
    await heard('regular served');
    expect(observed).toEqual(
      expect.arrayContaining(['engine_timeout', 'engine_error', 'regular served']),
    );
    expect(await redis.hlen(QUEUE_KEYS.tries)).toBe(0);
    expect(await queue.counts()).toEqual({ waiting: 0, paused: 0, active: 0 });
    expect(replaced).toEqual(['time_limit']);
  });

  it('replaces a thread that dies; a job that kills it twice fails, retriable, and the next is served', async () => {
    await queued('killer', 'crash');
    expect((await replyTo('killer', 10_000))?.outcome).toEqual({
      failed: expect.stringContaining('restarted during this read (exit code 7)'),
    });
    expect(observed.filter((o) => o === 'engine_error')).toHaveLength(2);
    expect(replaced).toEqual(['thread_died', 'thread_died']);
    await queued('after', 'a photo');
    expect((await replyTo('after'))?.outcome).toMatchObject({ processing_time: 1 });
  });

  it('fails to open, with the reason, when the engine does not load', async () => {
    await expect(
      JobThread.open({
        config,
        engine: {},
        redis,
        entry: BUILT_ENTRY,
        engineModule: join(__dirname, 'no-such-engine.js'),
      }),
    ).rejects.toThrow(/Cannot find module .*no-such-engine/);
  });

  it('on close finishes the job in progress and takes no more', async () => {
    await queued('draining', 'slow:300');
    await pollUntil(async () => (await queue.counts()).active > 0, 3_000);
    await worker.close();
    expect((await replyTo('draining', 0))?.outcome).toMatchObject({ processing_time: 1 });
    await queued('left', 'a photo');
    expect(await replyTo('left', 300)).toBeUndefined();
    await redis.del(QUEUE_KEYS.wait);
  });
});
