/**
 * Health probes and SIGTERM drain on the built gateway and worker processes. A gateway told to
 * stop reports not ready, keeps serving for SHUTDOWN_DELAY_MS, then takes no new calls and
 * finishes the ones in flight; a worker told to stop finishes its jobs. Every call is answered
 * once, counted once, and its webhook delivered once (so no job ran twice).
 */
import { loadConfig } from '../../libs/infra/src';
import { openRecognitionQueue } from '../support/recognition-queue';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { createAccount, readPhoto } from '../support/calls';
import { GATEWAY_READY, Running, startApp, WORKER_READY } from './processes';
import { testPort } from './services';

const ADMIN_TOKEN = 'drain-admin-token-0123456789';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  ms = 30_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const exited = (app: Running) =>
  new Promise<number | null>((resolve) => {
    if (app.child.exitCode !== null) return resolve(app.child.exitCode);
    app.child.once('exit', (code) => resolve(code));
  });

async function getJson(url: string) {
  const res = await fetch(url);
  return { status: res.status, body: await res.json() };
}

/** Sends SIGTERM, then the readiness report once it fails (503) on the app's health port. */
async function stopAndProbe(app: Running, port: number) {
  app.child.kill('SIGTERM');
  return until(async () => {
    const res = await getJson(`http://127.0.0.1:${port}/health/ready`);
    return res.status === 503 ? res.body : undefined;
  }, 'readiness to fail after SIGTERM');
}

describe('health probes and SIGTERM drain (built gateway and worker processes)', () => {
  // A queue of its own: the other suites' workers (same run, same Redis) must not take its jobs.
  const prefix = `${loadConfig().REDIS_PREFIX}drain:`;
  const queue = openRecognitionQueue(prefix);
  /** Jobs waiting for a worker, the queue paused or not. */
  const queued = async () => {
    const { waiting, paused } = await queue.counts();
    return waiting + paused;
  };
  const hooks = new Map<string, number>();
  let hookServer: Server;
  let env: Record<string, string>;
  let key: string;
  const apps: Running[] = [];

  const gatewayEnv = (port: number) => ({ ...env, PORT: String(port) });
  const workerEnv = (port: number) => ({ ...env, WORKER_HTTP_PORT: String(port) });
  const start = async (name: 'gateway' | 'worker', appEnv: Record<string, string>) => {
    const app = await startApp(name, appEnv, name === 'gateway' ? GATEWAY_READY : WORKER_READY);
    apps.push(app);
    return app;
  };
  /** One recognition call; the filename tells its webhook delivery apart from the others'. */
  const read = async (port: number, name: string) => {
    const { status } = await readPhoto(port, key, name);
    return { name, status, at: Date.now() };
  };
  const callsOf = async (port: number) =>
    (
      await (
        await fetch(`http://127.0.0.1:${port}/v1/statistics/`, {
          headers: { Authorization: `Token ${key}` },
        })
      ).json()
    ).usage.calls as number;

  beforeAll(async () => {
    hookServer = createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const filename = JSON.parse(body).data.filename as string;
        hooks.set(filename, (hooks.get(filename) ?? 0) + 1);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => hookServer.listen(0, '127.0.0.1', r));
    const hookPort = (hookServer.address() as AddressInfo).port;
    env = {
      ADMIN_TOKEN,
      LOG_LEVEL: 'log',
      REDIS_PREFIX: prefix,
      SHUTDOWN_DELAY_MS: '1500',
      FETCH_ALLOW_HOSTS: `127.0.0.1:${hookPort}`,
      WEBHOOK_ATTEMPTS: '1',
    };
    key = createAccount(env, 'drain');
    const gatewayPort = testPort();
    const gateway = await start('gateway', gatewayEnv(gatewayPort));
    const created = await fetch(`http://127.0.0.1:${gatewayPort}/v1/webhooks/`, {
      method: 'POST',
      headers: { Authorization: `Token ${key}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ target: `http://127.0.0.1:${hookPort}/hook` }),
    });
    expect(created.status).toBe(201);
    await gateway.stop();
  }, 90_000);

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.stop('SIGKILL')));
    await queue.obliterate().catch(() => undefined);
    await queue.close();
    await new Promise((r) => hookServer?.close(r));
  });

  it('a worker is alive before its models load, ready once they are, and serves its metrics', async () => {
    const port = testPort();
    const seen: number[] = [];
    const worker = startApp('worker', workerEnv(port), WORKER_READY);
    // Polled while the worker starts: live at once, ready only with the models loaded.
    const ready = await until(
      async () => {
        const res = await getJson(`http://127.0.0.1:${port}/health/ready`);
        seen.push(res.status);
        return res.status === 200 ? res.body : undefined;
      },
      'worker readiness',
      60_000,
    );
    apps.push(await worker);
    expect(ready).toMatchObject({
      status: 'ok',
      details: { engine: { status: 'up' }, postgres: { status: 'up' }, redis: { status: 'up' } },
    });
    expect(seen[0]).toBe(503);
    expect((await getJson(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/^platewise_worker_models_loaded 1$/m);
    await (await worker).stop();
  }, 90_000);

  it('a gateway told to stop stays up until its calls in flight are answered, and takes no new ones', async () => {
    const port = testPort();
    const gateway = await start('gateway', gatewayEnv(port));
    expect(await getJson(`http://127.0.0.1:${port}/health/ready`)).toEqual({
      status: 200,
      body: expect.objectContaining({
        status: 'ok',
        details: expect.objectContaining({ serving: { status: 'up' } }),
      }),
    });
    // A worker is alive (else the gateway answers at once, no_worker) but the queue is paused:
    // the calls wait in it, in flight, while the gateway is told to stop.
    const worker = await start('worker', workerEnv(testPort()));
    await queue.pause();
    const calls = Array.from({ length: 6 }, (_, i) => read(port, `gateway-drain-${i}.jpg`));
    await until(async () => ((await queued()) === 6 ? true : undefined), 'six queued jobs');
    const exit = exited(gateway);
    const notReady = await stopAndProbe(gateway, port);
    expect(notReady.error).toEqual({ serving: { status: 'down', message: 'shutting down' } });
    expect((await getJson(`http://127.0.0.1:${port}/health/live`)).status).toBe(200);
    // Within SHUTDOWN_DELAY_MS a call that still arrives is taken, like those before it.
    const late = read(port, 'gateway-drain-late.jpg');
    await until(async () => ((await queued()) === 7 ? true : undefined), 'the late call queued');
    await sleep(2_000);
    // Past the delay: nothing new is taken, on a new connection or a kept-alive one.
    const refused = await read(port, 'gateway-drain-refused.jpg').catch((error: Error) => ({
      status: error.message,
    }));
    expect([503, 'fetch failed']).toContain(refused.status);
    expect(gateway.child.exitCode).toBeNull();

    const stoppedAt = Date.now();
    await queue.resume();
    const answered = await Promise.all([...calls, late]);
    expect(answered.map((a) => a.status)).toEqual(Array(7).fill(201));
    expect(Math.min(...answered.map((a) => a.at))).toBeGreaterThan(stoppedAt);
    expect(await exit).toBe(0);

    const next = testPort();
    await start('gateway', gatewayEnv(next));
    expect(await callsOf(next)).toBe(7);
    await until(async () => (hooks.size === 7 ? true : undefined), 'seven webhook deliveries');
    expect([...hooks.values()]).toEqual(Array(7).fill(1));
    expect(hooks.has('gateway-drain-refused.jpg')).toBe(false);
    await worker.stop();
  }, 120_000);

  it('a worker told to stop finishes its jobs first; another takes the rest, each exactly once', async () => {
    const port = testPort();
    await start('gateway', gatewayEnv(port));
    const before = await callsOf(port);
    hooks.clear();
    const healthPort = testPort();
    // Three jobs at once, so the drain lasts long enough to be seen from outside.
    const first = await start('worker', { ...workerEnv(healthPort), WORKER_CONCURRENCY: '3' });
    const calls = Array.from({ length: 6 }, (_, i) => read(port, `worker-drain-${i}.jpg`));
    const active = await until(async () => {
      const jobs = await queue.activeJobs();
      return jobs.length === 3 ? jobs : undefined;
    }, 'three jobs in progress');
    // Another worker first: with none alive the gateway would end the waiting calls (no_worker).
    await start('worker', workerEnv(testPort()));
    const exit = exited(first);
    first.child.kill('SIGTERM');
    const notReady = await until(
      async () => {
        const res = await getJson(`http://127.0.0.1:${healthPort}/health/ready`);
        return res.status === 503 ? res.body : undefined;
      },
      'the stopping worker to report not ready',
      5_000,
    ).catch(() => undefined);
    expect(await exit).toBe(0);
    // Seen while it finished its jobs (missed only when they ended before the first probe).
    if (notReady)
      expect(notReady.error.engine).toEqual({ status: 'down', message: 'shutting down' });
    expect(first.output()).not.toMatch(/failed/);
    // Its jobs ended (and were deleted) before it exited, rather than being left to stall.
    for (const job of active) expect(await queue.has(job)).toBe(false);

    const answered = await Promise.all(calls);
    expect(answered.map((a) => a.status)).toEqual(Array(6).fill(201));
    expect((await callsOf(port)) - before).toBe(6);
    await until(async () => (hooks.size === 6 ? true : undefined), 'six webhook deliveries');
    expect([...hooks.values()]).toEqual(Array(6).fill(1));
  }, 120_000);
});
