/**
 * The job thread with the real engine (the built library, on the real Redis) at the lowest time
 * limit the configuration accepts: a large photo's read runs past it, mostly inside ONNX Runtime,
 * and replacing the thread must not take the process down (a thread terminated inside a native
 * call aborts it: `terminate called after throwing an instance of 'Napi::Error'`).
 */
import { loadConfig, RedisService } from '@platewise/infra';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { replyListener, specCall } from '../../test-support/replies';
import { encodeJob, QUEUE_KEYS, RecognitionQueue } from '../handover';
import { HandOverRecognitionWorker } from '../handover-worker';
import { JobThread } from './job-thread';

const BUILT_ENTRY = join(__dirname, '../../../dist/transports/job-thread/entry.js');
const DEV = join(__dirname, '../../../../../../shared/alpr-dev');

describe('JobThread on the real engine', () => {
  const config = loadConfig({
    ...process.env,
    REDIS_PREFIX: `${process.env.REDIS_PREFIX}job-thread-engine:`,
    WORKER_CONCURRENCY: '1',
    ENGINE_READ_TIMEOUT_MS: '100',
  });
  const redis = RedisService.connect(config);
  const queue = new RecognitionQueue(redis);
  const channel = `${config.REDIS_PREFIX}replies:spec`;
  const { replyTo, ...listener } = replyListener(redis, channel);
  const replaced: string[] = [];
  let worker: HandOverRecognitionWorker;
  let photo: Buffer;

  beforeAll(async () => {
    await queue.obliterate();
    await listener.start();
    // Nine cars, 3 × 3 copies of a dev photo at 1280 × 720: about 240 ms a read on the 2-vCPU
    // development machine, most of it in model runs from 45 ms on (one per car and plate), so
    // the limit falls in one; a single large photo is mostly decoding and aborted less often.
    const src = readFileSync(join(DEV, 'images/us/0b86cecf-67d1-4fc0-87c9-b36b0ee228bb.jpg'));
    const car = await sharp(src).resize(1280, 720).toBuffer();
    const cars = [0, 1, 2].flatMap((row) =>
      [0, 1, 2].map((col) => ({ input: car, left: col * 1280, top: row * 720 })),
    );
    photo = await sharp({ create: { width: 3840, height: 2160, channels: 3, background: '#777' } })
      .composite(cars)
      .jpeg()
      .toBuffer();
    const jobs = await JobThread.open({
      config,
      engine: { threads: config.ENGINE_THREADS },
      redis,
      onReplaced: (reason) => replaced.push(reason),
      entry: BUILT_ENTRY,
    });
    worker = new HandOverRecognitionWorker(jobs, config, redis);
    worker.start(() => undefined);
  });

  afterAll(async () => {
    await worker.close();
    await queue.obliterate();
    await Promise.all([listener.close(), redis.quit()]);
  });

  it('stops reads past the limit, one after another, and lives on', async () => {
    // Terminated from outside, about two threads in three took the process down with them.
    const reads = 8;
    for (let i = 0; i < reads; i++) {
      const id = `large-${i}`;
      await redis.lpush(
        QUEUE_KEYS.wait,
        encodeJob(
          { id, replyTo: channel, deadline: Date.now() + 60_000, call: specCall({ filename: id }) },
          photo,
        ),
      );
      expect((await replyTo(id, 10_000))?.outcome).toMatchObject({ reason: 'engine_timeout' });
    }
    expect(replaced).toEqual(Array(reads).fill('time_limit'));
    expect(await redis.hlen(QUEUE_KEYS.tries)).toBe(0);
    expect(await queue.counts()).toEqual({ waiting: 0, paused: 0, active: 0 });
  });
});
