/**
 * The gateway's half of the reply protocol on the real Redis: a call whose reply connection is
 * lost while its job is still being added ends in a refusal, not in an unhandled rejection. Run in
 * a child process on the built library, because only a real Node process ends on an unhandled
 * rejection (Jest's sandbox swallows them), and that is what took gateways down under a Redis drop.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const scenario = `
const { loadConfig, RedisService } = require('@platewise/infra');
const { BullMqTransport } = require('./dist/transports/bullmq.js');
(async () => {
  const config = loadConfig({ ...process.env, REDIS_PREFIX: process.env.REDIS_PREFIX + 'transport:' });
  const redis = RedisService.connect(config);
  const transport = new BullMqTransport(config, redis);
  await transport.start();
  transport.presence.noWorker = async () => false;
  const add = transport.queue.add.bind(transport.queue);
  let release = () => undefined;
  transport.queue.add = (...args) => new Promise((resolve) => { release = () => resolve(add(...args)); });
  const call = { accountId: '00000000-0000-0000-0000-000000000000', filename: 'car.jpg', regions: [],
    config: {}, mmc: false, camera_id: null, timestamp: '2026-01-01T00:00:00.000Z', webhooks: [] };
  const result = transport.submit(call, Buffer.from('image bytes'));
  await new Promise((r) => setTimeout(r, 50));
  transport.replies.emit('close'); // what ioredis emits when the subscriber's connection drops
  await new Promise((r) => setTimeout(r, 50)); // an unhandled rejection has ended the process by now
  release();
  console.log(JSON.stringify(await result));
  await transport.close();
  await redis.quit();
})();
`;

// A redaction's reply names the key of its image: the transport puts the bytes back and deletes
// the key; a key already gone ends the call as a failure.
const redactionReplies = `
const { loadConfig, RedisService } = require('@platewise/infra');
const { BullMqTransport } = require('./dist/transports/bullmq.js');
(async () => {
  const config = loadConfig({ ...process.env, REDIS_PREFIX: process.env.REDIS_PREFIX + 'transport-redacted:' });
  const redis = RedisService.connect(config);
  const publisher = redis.duplicate();
  const transport = new BullMqTransport(config, redis);
  await transport.start();
  const outcome = { processing_time: 1, filename: null, camera_id: null, timestamp: 't',
    content_type: 'image/jpeg', width: 2, height: 1, image: '', plates: [], faces: [] };
  await redis.set('redacted:a', Buffer.from([0xff, 0xd8, 0xff]));
  const found = transport.wait('a');
  const gone = transport.wait('b');
  for (const [jobId, imageKey] of [['a', 'redacted:a'], ['b', 'redacted:b']])
    await publisher.publish(transport.replyTo, JSON.stringify({ jobId, outcome, workerMs: 1, imageKey }));
  console.log(JSON.stringify({ found: await found, gone: await gone, left: await redis.exists('redacted:a') }));
  await transport.close();
  await Promise.all([publisher.quit(), redis.quit()]);
})();
`;

const runScenario = (script: string) =>
  spawnSync(process.execPath, ['-e', script], {
    cwd: join(__dirname, '../..'),
    env: process.env,
    encoding: 'utf8',
    timeout: 20_000,
  });

describe('BullMqTransport', () => {
  it("a redaction's image comes back from its key, which is deleted; a key gone is a failure", () => {
    const run = runScenario(redactionReplies);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const { found, gone, left } = JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}');
    expect(found.outcome).toMatchObject({ image: '/9j/', width: 2 });
    expect(left).toBe(0);
    expect(gone.outcome).toEqual({
      failed: 'the redacted image could not be read back from the queue',
    });
  });

  it('a reply connection lost while the job is being added gives reply_lost and the process lives', () => {
    const run = runScenario(scenario);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}')).toMatchObject({
      unavailable: 'reply_lost',
    });
  });
});
