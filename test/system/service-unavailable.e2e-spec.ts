/**
 * When the service cannot answer: no worker is running (503 at once), a worker says it is alive
 * but takes no job in time (504), or Redis goes away under a running gateway and worker (a
 * private redis-server, so the shared one is untouched; 503).
 * Either way the caller gets a retry hint instead of a 500 or a hang, and nothing is counted.
 */
import { WorkerHeartbeat } from '../../libs/recognition/src';
import { loadConfig } from '../../libs/infra/src';
import { openRecognitionQueue } from '../support/recognition-queue';
import Redis from 'ioredis';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_READY, Running, startApp, WORKER_READY } from './processes';
import { testPort } from './services';

const PHOTO = readFileSync(
  join(__dirname, '..', '..', '..', 'shared', 'alpr-dev', 'images', 'br', 'AYO9034.jpg'),
);
const ADMIN_TOKEN = 'unavailable-admin-token-0123456789';

describe('no worker answers in time', () => {
  const port = 22000 + Math.floor(Math.random() * 1000);
  const base = `http://127.0.0.1:${port}`;
  // A queue of its own: the other suites' workers (same run, same Redis) must not take its job.
  const config = { ...loadConfig(), REDIS_PREFIX: `${loadConfig().REDIS_PREFIX}no-worker:` };
  const env = {
    PORT: String(port),
    LOG_LEVEL: 'log',
    ADMIN_TOKEN,
    RECOGNITION_TIMEOUT_MS: '1500',
    REDIS_PREFIX: config.REDIS_PREFIX,
  };
  let gateway: Running;

  beforeAll(async () => {
    gateway = await startApp('gateway', env, GATEWAY_READY);
  }, 60_000);

  afterAll(() => gateway?.stop());

  it('answers 503 at once when no worker is running, and counts nothing', async () => {
    const key = cli(
      env,
      'account',
      'create',
      `no-worker-${Date.now()}`,
      '--plan',
      'business',
    ).apiKey;
    const started = Date.now();
    expect(await read(base, key)).toEqual({
      status: 503,
      retryAfter: '5',
      body: {
        detail: expect.stringMatching(/No recognition worker is running; the call was not counted/),
        retry_after: 5,
      },
    });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await callsOf(base, key)).toBe(0);
  }, 30_000);

  it('answers 504 with a retry hint when a live worker takes no job, counts nothing and leaves neither job nor image behind', async () => {
    const key = cli(
      env,
      'account',
      'create',
      `stuck-worker-${Date.now()}`,
      '--plan',
      'business',
    ).apiKey;
    // A worker that says it is alive but never takes a job (stuck).
    const beating = new Redis(config.REDIS_URL, { keyPrefix: config.REDIS_PREFIX });
    const heartbeat = new WorkerHeartbeat(beating, 'stuck');
    heartbeat.start();
    await new Promise((r) => setTimeout(r, 1_500));
    const started = Date.now();
    expect(await read(base, key)).toEqual({
      status: 504,
      retryAfter: '5',
      body: {
        detail: expect.stringMatching(/No recognition worker answered within 2 s/),
        retry_after: 5,
      },
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(await callsOf(base, key)).toBe(0);
    const queue = openRecognitionQueue(config.REDIS_PREFIX);
    try {
      // The job nobody took was taken out of the queue, its image with it (one element).
      expect(await queue.counts()).toEqual({ waiting: 0, paused: 0, active: 0 });
    } finally {
      await heartbeat.stop();
      beating.disconnect();
      await queue.close();
    }
  }, 30_000);
});

function startRedis(redisPort: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new Promise((resolve, reject) => {
    let log = '';
    child.stdout!.on('data', (d) => {
      log += d;
      if (/Ready to accept connections/.test(log)) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${log}`)));
  });
}

const stopRedis = (redis: ChildProcess) =>
  new Promise<void>((resolve) => {
    if (redis.exitCode !== null || redis.signalCode !== null) return resolve();
    redis.once('exit', () => resolve());
    redis.kill('SIGKILL');
  });

const cli = (env: Record<string, string>, ...args: string[]) =>
  JSON.parse(
    execFileSync(
      process.execPath,
      [join(__dirname, '..', '..', 'apps', 'cli', 'dist', 'main.js'), ...args],
      { env: { ...process.env, ...env } },
    ).toString(),
  );

const callsOf = async (base: string, key: string) =>
  (
    await (
      await fetch(`${base}/v1/statistics/`, { headers: { Authorization: `Token ${key}` } })
    ).json()
  ).usage.calls;

async function read(base: string, key: string) {
  const form = new FormData();
  form.append('upload', new Blob([PHOTO]), 'car.jpg');
  const res = await fetch(`${base}/v1/plate-reader/`, {
    method: 'POST',
    headers: { Authorization: `Token ${key}` },
    body: form,
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.json() };
}

describe('a Redis outage under the gateway and worker', () => {
  const redisPort = 16400 + Math.floor(Math.random() * 1000);
  const port = testPort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    PORT: String(port),
    REDIS_URL: `redis://127.0.0.1:${redisPort}`,
    LOG_LEVEL: 'log',
    ADMIN_TOKEN,
  };
  let redis: ChildProcess;
  let gateway: Running;
  let worker: Running;
  let key: string;

  beforeAll(async () => {
    redis = await startRedis(redisPort);
    [gateway, worker] = await Promise.all([
      startApp('gateway', env, GATEWAY_READY),
      startApp('worker', env, WORKER_READY),
    ]);
    key = cli(env, 'account', 'create', `outage-${Date.now()}`, '--plan', 'business').apiKey;
  }, 90_000);

  afterAll(async () => {
    await Promise.all([gateway?.stop('SIGKILL'), worker?.stop('SIGKILL')]);
    if (redis) await stopRedis(redis);
  });

  it('answers 503 with a retry hint while Redis is down, counts nothing, and recovers', async () => {
    expect((await read(base, key)).status).toBe(201);

    await stopRedis(redis);
    const started = Date.now();
    const down = await read(base, key);
    expect(down).toEqual({
      status: 503,
      retryAfter: '5',
      body: { detail: expect.stringMatching(/temporarily unavailable/), retry_after: 5 },
    });
    expect(Date.now() - started).toBeLessThan(10_000);

    redis = await startRedis(redisPort);
    let back = await read(base, key);
    for (let i = 0; i < 20 && back.status !== 201; i++) {
      await new Promise((r) => setTimeout(r, 500));
      back = await read(base, key);
    }
    expect(back.status).toBe(201);
    expect(await callsOf(base, key)).toBe(2);
  }, 90_000);
});
