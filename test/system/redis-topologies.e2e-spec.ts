/**
 * Beyond one Redis: the built gateway and worker on a local Redis Cluster (three masters on
 * private loopback ports, created with redis-cli --cluster create) and behind Redis Sentinel.
 * The shared Redis on 6379 is not touched.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { createAccount, readPhoto } from '../support/calls';
import { startRedisCluster, startRedisSentinel, LocalRedis } from '../support/redis-cluster';
import { GATEWAY_READY, Running, startApp, WORKER_READY } from './processes';

const ROOT = join(__dirname, '..', '..');
const ADMIN_TOKEN = 'topology-admin-token-0123456789';

async function serve(env: Record<string, string>) {
  const port = 25000 + Math.floor(Math.random() * 1000);
  const healthPort = port + 1000;
  const appEnv = {
    ...env,
    PORT: String(port),
    WORKER_HTTP_PORT: String(healthPort),
    ADMIN_TOKEN,
    LOG_LEVEL: 'log',
  };
  const apps: Running[] = await Promise.all([
    startApp('gateway', appEnv, GATEWAY_READY),
    startApp('worker', appEnv, WORKER_READY),
  ]);
  const key = createAccount(appEnv, 'topology');
  const get = async (url: string, headers: Record<string, string> = {}) => {
    const res = await fetch(url, { headers });
    return { status: res.status, body: await res.json() };
  };
  return {
    stop: () => Promise.all(apps.map((app) => app.stop())),
    ready: () =>
      Promise.all([
        get(`http://127.0.0.1:${port}/health/ready`),
        get(`http://127.0.0.1:${healthPort}/health/ready`),
      ]),
    calls: async () =>
      (await get(`http://127.0.0.1:${port}/v1/statistics/`, { Authorization: `Token ${key}` })).body
        .usage.calls,
    read: () => readPhoto(port, key),
  };
}

describe.each([
  ['a Redis Cluster', startRedisCluster, (r: LocalRedis) => `redis-cluster://${r.nodes.join(',')}`],
  [
    'Redis Sentinel',
    () => startRedisSentinel('platewise'),
    (r: LocalRedis) => `redis-sentinel://${r.nodes.join(',')}/platewise`,
  ],
])('gateway and worker on %s', (_name, start, urlOf) => {
  let redis: LocalRedis;
  let service: Awaited<ReturnType<typeof serve>>;
  // A hash tag, so that every key of the deployment lands in one cluster slot.
  const prefix = `{platewise-test-${process.pid}}:`;

  beforeAll(async () => {
    redis = await start();
    service = await serve({ REDIS_URL: urlOf(redis), REDIS_PREFIX: prefix });
  }, 90_000);

  afterAll(async () => {
    await service?.stop();
    await redis?.stop();
  });

  it('is ready, reads plates and counts each call once', async () => {
    const [gateway, worker] = await service.ready();
    expect(gateway).toMatchObject({ status: 200, body: { details: { redis: { status: 'up' } } } });
    expect(worker).toMatchObject({
      status: 200,
      body: { details: { redis: { status: 'up' }, engine: { status: 'up' } } },
    });
    for (let i = 0; i < 3; i++) {
      const { status, body } = await service.read();
      expect(status).toBe(201);
      expect(body.results[0].plate).toBe('ayo9034');
    }
    expect(await service.calls()).toBe(3);
    if (redis.nodes.length > 1) {
      // On the cluster, every key the deployment left (quota counters, queue meta) sits on one node.
      const keysPerNode = redis.nodes.map(
        (node) =>
          execFileSync('redis-cli', ['-p', node.split(':')[1], '--scan', '--pattern', `${prefix}*`])
            .toString()
            .split('\n')
            .filter(Boolean).length,
      );
      expect(keysPerNode.filter((n) => n > 0)).toHaveLength(1);
    }
  }, 60_000);
});

it('a gateway refuses to start on a Redis Cluster with a prefix that has no hash tag', () => {
  const result = spawnSync(process.execPath, [join(ROOT, 'apps', 'gateway', 'dist', 'main.js')], {
    env: { ...process.env, REDIS_URL: 'redis-cluster://127.0.0.1:1', REDIS_PREFIX: 'platewise:' },
    timeout: 20_000,
  });
  expect(result.status).toBe(1);
  expect(result.stderr.toString()).toMatch(/REDIS_PREFIX.*hash tag/);
});
