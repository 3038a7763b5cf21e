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

describe('BullMqTransport', () => {
  it('a reply connection lost while the job is being added gives reply_lost and the process lives', () => {
    const run = spawnSync(process.execPath, ['-e', scenario], {
      cwd: join(__dirname, '../..'),
      env: process.env,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}')).toMatchObject({
      unavailable: 'reply_lost',
    });
  });
});
