/**
 * The worker's half of the reply protocol (BullMqTransport is the other): on the real Redis,
 * with an engine that answers or throws on demand, since a real one cannot be made to fail.
 */
import { loadConfig, RedisService } from '@platewise/infra';
import { Job } from 'bullmq';
import type { RecognitionJob, RecognitionReply } from '../contract';
import { RecognitionHandler } from '../handler';
import { BullMqRecognitionWorker, RecognitionJobObserver } from './bullmq-worker';

describe('BullMqRecognitionWorker replies', () => {
  const config = loadConfig({
    ...process.env,
    REDIS_PREFIX: `${process.env.REDIS_PREFIX}processor:`,
  });
  const redis = RedisService.connect(config);
  const listener = redis.duplicate();
  let read: () => Promise<unknown>;
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
  const processor = new BullMqRecognitionWorker(
    new RecognitionHandler(engine),
    config,
    redis,
    observer,
  );
  const channel = `${config.REDIS_PREFIX}replies:spec`;
  const replies: RecognitionReply[] = [];

  beforeAll(async () => {
    listener.on('message', (_channel: string, message: string) =>
      replies.push(JSON.parse(message)),
    );
    await listener.subscribe(channel);
  });

  afterAll(async () => {
    await processor.close();
    await Promise.all([listener.quit(), redis.quit()]);
  });

  async function job(
    id: string,
    attemptsMade: number,
    extra: Partial<RecognitionJob> = {},
  ): Promise<Job<RecognitionJob>> {
    await redis.set(`image:${id}`, Buffer.from('image bytes'));
    const data: RecognitionJob = {
      accountId: '00000000-0000-0000-0000-000000000000',
      imageKey: `image:${id}`,
      filename: 'car.jpg',
      regions: [],
      config: {},
      mmc: false,
      camera_id: null,
      timestamp: '2026-01-01T00:00:00.000Z',
      webhooks: [],
      replyTo: channel,
      ...extra,
    };
    return { id, attemptsMade, opts: { attempts: 2 }, data } as unknown as Job<RecognitionJob>;
  }

  async function replyTo(jobId: string): Promise<RecognitionReply | undefined> {
    for (let i = 0; i < 100 && !replies.some((r) => r.jobId === jobId); i++)
      await new Promise((r) => setTimeout(r, 10));
    return replies.find((r) => r.jobId === jobId);
  }

  it('publishes the Snapshot response and deletes the image with it', async () => {
    read = async () => ({ processing_time: 12.5, results: [] });
    await processor.process(await job('served', 0));
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
    expect(await redis.exists('image:served')).toBe(0);
  });

  it('puts a redacted image in its own key and publishes only the key, not the bytes', async () => {
    const redact = {
      hide: ['plates' as const],
      method: 'blur' as const,
      strength: 6,
      format: null,
    };
    await processor.process(await job('redaction', 0, { redact }));
    const reply = await replyTo('redaction');
    expect(reply?.imageKey).toBe('redacted:redaction');
    expect(reply?.outcome).toMatchObject({ image: '', width: 2, plates: [{ score: 0.9 }] });
    expect(await redis.getBuffer('redacted:redaction')).toEqual(redacted);
    const ttl = await redis.pttl('redacted:redaction');
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
    expect(await redis.exists('image:redaction')).toBe(0);
    await redis.del('redacted:redaction');
  });

  it('stays silent and keeps the image when a failed attempt will be retried', async () => {
    read = async () => {
      throw new Error('engine crashed');
    };
    await expect(processor.process(await job('retried', 0))).rejects.toThrow('engine crashed');
    expect(await replyTo('retried')).toBeUndefined();
    expect(await redis.exists('image:retried')).toBe(1);
  });

  it('publishes the failure of the last attempt, so the caller need not wait for its timeout', async () => {
    read = async () => {
      throw new Error('engine crashed');
    };
    await expect(processor.process(await job('failed', 1))).rejects.toThrow('engine crashed');
    expect((await replyTo('failed'))?.outcome).toEqual({ failed: 'engine crashed' });
    expect(await redis.exists('image:failed')).toBe(0);
  });

  it('tells its observer how each attempt ended and why one failed', () => {
    expect(observed).toEqual([
      'regular served',
      'redact served',
      'engine_error',
      'regular failed',
      'engine_error',
      'regular failed',
    ]);
  });
});
