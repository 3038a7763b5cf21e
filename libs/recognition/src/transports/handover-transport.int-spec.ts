/**
 * The gateway's half of the Redis hand-over on the real Redis: a call whose reply connection is
 * lost while its job is still being queued ends in a refusal, not in an unhandled rejection; a
 * refused slot queues nothing; a call nobody answers takes its job out of the queue; a held queue
 * keeps its jobs apart. Run in child processes on the built library, because only a real Node
 * process ends on an unhandled rejection (Jest's sandbox swallows them), and that is what took
 * gateways down under a Redis drop.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const scenario = `
const { loadConfig, RedisService, runScript } = require('@platewise/infra');
const { HandOverTransport } = require('./dist/transports/handover-transport.js');
(async () => {
  const config = loadConfig({ ...process.env, REDIS_PREFIX: process.env.REDIS_PREFIX + 'transport:' });
  const redis = RedisService.connect(config);
  const transport = new HandOverTransport(config, redis);
  await transport.start();
  transport.presence.noWorker = async () => false;
  let release = () => undefined;
  // A quota step that is slow to answer: the job is queued once it does.
  const slot = (then) => new Promise((resolve) => { release = () => resolve(runScript(redis, then)); });
  const call = { accountId: '00000000-0000-0000-0000-000000000000', filename: 'car.jpg', regions: [],
    config: {}, mmc: false, camera_id: null, timestamp: '2026-01-01T00:00:00.000Z', webhooks: [] };
  const result = transport.submit(call, Buffer.from('image bytes'), slot);
  await new Promise((r) => setTimeout(r, 50));
  transport.replies.emit('close'); // what ioredis emits when the subscriber's connection drops
  await new Promise((r) => setTimeout(r, 50)); // an unhandled rejection has ended the process by now
  release();
  const answer = await result;
  await new Promise((r) => setTimeout(r, 50));
  console.log(JSON.stringify({ ...answer, left: await transport.queue.counts() }));
  await transport.close();
  await redis.quit();
})();
`;

// A refused slot queues nothing and its refusal is the caller's; a call nobody answers takes its
// job out of the queue; a held queue keeps new jobs in 'paused'.
const queueing = `
const { loadConfig, RedisService } = require('@platewise/infra');
const { HandOverTransport } = require('./dist/transports/handover-transport.js');
(async () => {
  const config = loadConfig({ ...process.env, REDIS_PREFIX: process.env.REDIS_PREFIX + 'transport-queueing:', RECOGNITION_TIMEOUT_MS: '1000' });
  const redis = RedisService.connect(config);
  const transport = new HandOverTransport(config, redis);
  await transport.start();
  await transport.queue.obliterate();
  transport.presence.stop();
  transport.presence.noWorker = async () => false;
  const call = { accountId: '00000000-0000-0000-0000-000000000000', filename: 'car.jpg', regions: [],
    config: {}, mmc: false, camera_id: null, timestamp: '2026-01-01T00:00:00.000Z', webhooks: [] };
  const refused = await transport.submit(call, Buffer.from('image'), async () => { throw new Error('throttled'); })
    .then(() => 'answered', (e) => e.message);
  const afterRefusal = await transport.queue.counts();
  await transport.queue.pause();
  const held = transport.submit(call, Buffer.from('image'));
  await new Promise((r) => setTimeout(r, 200));
  const whileHeld = await transport.queue.counts();
  const timedOut = await held;
  const afterTimeout = await transport.queue.counts();
  await transport.queue.resume();
  console.log(JSON.stringify({ refused, afterRefusal, whileHeld, timedOut, afterTimeout }));
  await transport.close();
  await redis.quit();
})();
`;

// A redaction's reply names the key of its image: the transport puts the bytes back and deletes
// the key; a key already gone ends the call as a failure.
const redactionReplies = `
const { loadConfig, RedisService } = require('@platewise/infra');
const { HandOverTransport } = require('./dist/transports/handover-transport.js');
(async () => {
  const config = loadConfig({ ...process.env, REDIS_PREFIX: process.env.REDIS_PREFIX + 'transport-redacted:' });
  const redis = RedisService.connect(config);
  const publisher = redis.duplicate();
  const transport = new HandOverTransport(config, redis);
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

/** The JSON of the last output line; null where there is none, so the stderr check reports first. */
function lastJson(stdout: string) {
  try {
    return JSON.parse(stdout.trim().split('\n').pop() ?? '');
  } catch {
    return null;
  }
}

/** A scenario run in its own process: its exit, its stderr and the JSON of its last output line. */
const runScenario = (script: string) => {
  const run = spawnSync(process.execPath, ['-e', script], {
    cwd: join(__dirname, '../..'),
    env: process.env,
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: run.status, stderr: run.stderr, last: lastJson(run.stdout) };
};

describe('HandOverTransport', () => {
  it("a redaction's image comes back from its key, which is deleted; a key gone is a failure", () => {
    const run = runScenario(redactionReplies);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const { found, gone, left } = run.last;
    expect(found.outcome).toMatchObject({ image: '/9j/', width: 2 });
    expect(left).toBe(0);
    expect(gone.outcome).toEqual({
      failed: 'the redacted image could not be read back from the queue',
    });
  });

  it('a reply connection lost while the job is being queued gives reply_lost, takes the job out, and the process lives', () => {
    const run = runScenario(scenario);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.last).toMatchObject({
      unavailable: 'reply_lost',
      left: { waiting: 0, paused: 0, active: 0 },
    });
  });

  it('queues nothing when the slot is refused, holds jobs while paused, and drops a job nobody answered', () => {
    const run = runScenario(queueing);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.last).toEqual({
      refused: 'throttled',
      afterRefusal: { waiting: 0, paused: 0, active: 0 },
      whileHeld: { waiting: 0, paused: 1, active: 0 },
      timedOut: expect.objectContaining({ unavailable: 'timeout' }),
      afterTimeout: { waiting: 0, paused: 0, active: 0 },
    });
  });
});
