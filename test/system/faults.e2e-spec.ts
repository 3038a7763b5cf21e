/**
 * Faults under load, on built processes and real (private) servers: PostgreSQL connections
 * terminated, PostgreSQL restarted, Redis stopped and started, a worker SIGKILLed, then the last
 * one. For each: how many calls, what every caller got, how long until calls were served again
 * (nothing is restarted but the failed part), that no process exited, and that the account's
 * usage equals the calls answered 201 (README "Failures and billing").
 */
import { ensureDatabase, applyMigrations } from '../../libs/infra/src/database/migrator';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import {
  Answer,
  ADMIN_TOKEN,
  Api,
  describeLoad,
  recoveredAfter,
  runLoad,
  sleep,
  smallPhoto,
  statuses,
} from './load';
import { GATEWAY_READY, Running, startApp, startTogether, WORKER_READY } from './processes';
import { PrivatePostgres, PrivateRedis, testPort } from './services';
import { waitFor } from './snapshot-support';

jest.setTimeout(180_000);

const postgres = new PrivatePostgres();
const redis = new PrivateRedis();
const port = testPort();
const api = new Api(`http://127.0.0.1:${port}`);
const env = {
  PORT: String(port),
  DATABASE_URL: `${postgres.server}/platewise`,
  REDIS_URL: redis.url,
  REDIS_PREFIX: 'faults:',
  ADMIN_TOKEN,
  ENGINE_THREADS: '1',
  LOG_LEVEL: 'log',
};
let gateway: Running;
let workers: Running[] = [];
let photo: Buffer;

const alive = (p: Running) => p.child.exitCode === null && p.child.signalCode === null;
const startWorker = () => startApp('worker', env, WORKER_READY);

beforeAll(async () => {
  photo = await smallPhoto();
  await Promise.all([postgres.create(), redis.start()]);
  await ensureDatabase(env.DATABASE_URL);
  await applyMigrations(env.DATABASE_URL, join(__dirname, '..', '..', 'prisma', 'migrations'));
  [gateway, ...workers] = await startTogether([
    startApp('gateway', env, GATEWAY_READY),
    startWorker(),
    startWorker(),
  ]);
});

afterAll(async () => {
  await Promise.all([gateway, ...workers].map((p) => p?.stop('SIGKILL')));
  await redis.stop();
  await postgres.destroy();
});

/** What every fault must leave true: nothing exited, only 201 or a 503 with a retry hint, usage exact. */
async function expectHeldUp(
  name: string,
  key: string,
  answers: Answer[],
  extra: Record<string, unknown> = {},
) {
  // A process that died says why in its own log; without this the test only sees 'fetch failed'.
  for (const p of [gateway, ...workers])
    if (!alive(p))
      console.log(`faults: a process exited during '${name}':\n${p.output().slice(-4000)}`);
  const usage = await api.usage(key);
  const served = answers.filter((a) => a.status === 201).length;
  console.log(describeLoad(name, answers, { ...extra, usage, answered_201: served }));
  expect(alive(gateway)).toBe(true);
  for (const w of workers) expect(alive(w)).toBe(true);
  expect(Object.keys(statuses(answers)).filter((s) => s !== '201' && s !== '503')).toEqual([]);
  for (const a of answers.filter((x) => x.status === 503)) expect(a.retryAfter).toMatch(/^\d+$/);
  expect(usage).toBe(served);
}

it('PostgreSQL connections terminated under load: no process exits, usage equals answered calls', async () => {
  const key = await api.loadAccount('pg-terminate');
  let terminated = 0;
  const answers = await runLoad(api, key, photo, {
    calls: 40,
    inFlight: 4,
    onAnswer: (_a, all) => {
      if (all.length === 8 || all.length === 20)
        void postgres.terminateConnections().then((n) => (terminated += n));
    },
  });
  await sleep(2_500); // the gateway died 2 s after its idle connections were ended
  expect(terminated).toBeGreaterThan(0);
  await expectHeldUp('PostgreSQL connections terminated twice', key, answers, {
    connections_terminated: terminated,
  });
  expect(answers.filter((a) => a.status === 201).length).toBeGreaterThanOrEqual(30);
});

/**
 * Load at 4 in flight; after 8 answers a server is stopped for `downMs` and started again; the
 * load goes on until 12 calls were served after its return. Times are ms since the load started.
 */
async function throughOutage(
  key: string,
  server: { stop(): Promise<unknown>; start(): Promise<unknown> },
  downMs: number,
) {
  const started = performance.now();
  let down: number | undefined;
  let back: number | undefined;
  let outage: Promise<void> | undefined;
  const answers = await runLoad(api, key, photo, {
    started,
    inFlight: 4,
    onAnswer: (_a, all) => {
      if (all.length !== 8) return;
      outage = (async () => {
        down = performance.now() - started;
        await server.stop();
        await sleep(downMs);
        await server.start();
        back = performance.now() - started;
      })();
    },
    until: (all) =>
      back !== undefined && all.filter((a) => a.status === 201 && a.at > back!).length >= 12,
  });
  await outage;
  return { answers, down: down!, back: back!, recovery: recoveredAfter(answers, back!) };
}

it('PostgreSQL restarted under load: serves again within 5 s of its return, usage equals answered calls', async () => {
  const key = await api.loadAccount('pg-restart');
  const { answers, back, recovery } = await throughOutage(
    key,
    { stop: () => postgres.stop('fast'), start: () => postgres.start() },
    2_000,
  );
  await expectHeldUp('PostgreSQL restarted (down 2 s)', key, answers, {
    back_at_ms: Math.round(back),
    recovered_ms: recovery,
  });
  expect(answers.some((a) => a.status === 503)).toBe(true);
  expect(recovery).not.toBeNull();
  expect(recovery!).toBeLessThan(5_000);
});

it('Redis stopped and started under load: calls in flight answered within 5 s, then served again', async () => {
  const key = await api.loadAccount('redis-restart');
  const before = await api.read(key, photo); // the account's quota counter exists in Redis before it is lost
  expect(before.status).toBe(201);
  const logBefore = gateway.output().length;
  const { answers, down, recovery } = await throughOutage(key, redis, 3_000);
  const inFlight = answers.filter((a) => a.at < down && a.at + a.ms > down);
  await expectHeldUp('Redis stopped for 3 s', key, [before, ...answers], {
    in_flight_at_stop: inFlight.length,
    in_flight_answered_within_ms: Math.round(
      Math.max(0, ...inFlight.map((a) => a.at + a.ms - down)),
    ),
    recovered_ms: recovery,
  });
  for (const a of answers) expect(a.ms).toBeLessThan(5_000);
  expect(recovery).not.toBeNull();
  expect(recovery!).toBeLessThan(10_000);
  // The outage is logged as it starts (and, once quiet, with its count), not a stack per 503.
  const log = gateway.output().slice(logBefore);
  const unavailable = answers.filter((a) => a.status === 503).length;
  console.log(
    `faults: gateway log during the Redis outage: ${log.split('\n').length} lines for ${unavailable} × 503`,
  );
  if (/^\s+at /m.test(log)) console.log(`faults: stack in the gateway log:\n${log.slice(0, 6000)}`);
  expect(log).not.toMatch(/^\s+at /m);
  expect(log.match(/outage: /g)?.length ?? 0).toBeLessThanOrEqual(2);
});

it('a worker SIGKILLed under load: every call answered 201 (none waits for a 504), usage exact', async () => {
  const key = await api.loadAccount('worker-kill');
  let killedAt: number | undefined;
  const started = performance.now();
  const answers = await runLoad(api, key, photo, {
    started,
    calls: 40,
    inFlight: 4,
    onAnswer: (_a, all) => {
      if (all.length === 10) {
        killedAt = performance.now() - started;
        workers[0].child.kill('SIGKILL');
      }
    },
  });
  const [dead, ...rest] = workers;
  await new Promise((r) =>
    dead.child.exitCode !== null || dead.child.signalCode !== null
      ? r(null)
      : dead.child.once('exit', r),
  );
  workers = rest;
  const slowest = Math.round(Math.max(...answers.map((a) => a.ms)));
  await expectHeldUp('one of two workers SIGKILLed', key, answers, {
    killed_at_ms: Math.round(killedAt!),
    slowest_call_ms: slowest,
  });
  expect(statuses(answers)).toEqual({ 201: 40 });

  // The last worker goes too: a fast 503 with a retry hint instead of a wait for the timeout.
  workers[0].child.kill('SIGKILL');
  workers = [];
  // Once its heartbeat is older than the lock time (5 s), the gateway knows no worker is left.
  await sleep(6_000);
  const none = await api.read(key, photo);
  console.log(
    `faults: no worker left: ${none.status} in ${Math.round(none.ms)} ms: ${JSON.stringify(none.body)}`,
  );
  expect(none).toMatchObject({ status: 503, retryAfter: expect.stringMatching(/^\d+$/) });
  expect(none.ms).toBeLessThan(1_000);

  // A worker comes back: served again, nothing restarted but the worker.
  workers = [await startWorker()];
  expect((await api.read(key, photo)).status).toBe(201);
  expect(await api.usage(key)).toBe(41);
});

/** Waits (5 s at most) until Redis holds `count` usage journal entries of calls served since `since`. */
async function journaled(count: number, since: number): Promise<void> {
  const client = new Redis(redis.url, { keyPrefix: env.REDIS_PREFIX });
  try {
    await waitFor(
      async () => {
        const accounts = await client.smembers('usage-journal:accounts');
        const entries = await Promise.all(accounts.map((a) => client.hvals(`usage-journal:${a}`)));
        const served = entries.flat().filter((e) => (JSON.parse(e) as { at: number }).at >= since);
        return served.length >= count;
      },
      5_000,
      50,
    );
  } finally {
    client.disconnect();
  }
}

it('a gateway SIGKILLed after answering, before counting: its calls are counted once, by the sweep of another process', async () => {
  const key = await api.loadAccount('gateway-kill');
  // Holding this lock blocks every count (the journal's INSERT into usage_calls_applied) but no
  // call: the answers go out and the counts wait, as in the instant after a busy gateway answers.
  const db = new Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  let killed = false;
  try {
    await db.query('BEGIN');
    await db.query('LOCK TABLE usage_calls_applied IN SHARE ROW EXCLUSIVE MODE');
    const answers: Answer[] = [];
    const since = Date.now();
    for (let i = 0; i < 5; i++) answers.push(await api.read(key, photo));
    expect(statuses(answers)).toEqual({ 201: 5 });
    // Each entry is written right after its answer (README "Failures and billing"): a client woken
    // by the answer can run before the gateway does again, so the kill waits for the fifth entry.
    await journaled(5, since);
    await gateway.stop('SIGKILL');
    killed = true;
    // Its statement waiting for the lock would still run once the lock goes: ended here, so the
    // calls can only be counted from the journal entries it left in Redis.
    const { rowCount } = await db.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE pid <> pg_backend_pid() AND query LIKE '%usage_calls_applied%' AND wait_event_type = 'Lock'`,
    );
    expect(rowCount).toBeGreaterThan(0);
  } finally {
    await db.query('ROLLBACK').catch(() => undefined);
    await db.end();
  }
  expect(killed).toBe(true);
  // A new gateway (as an orchestrator would start); its usage read waits for nothing of its own:
  // the dead gateway's journal entries are counted by a sweep (entries older than 10 s, every 5 s).
  gateway = await startApp('gateway', env, GATEWAY_READY);
  const started = Date.now();
  let usage = await api.usage(key);
  while (usage < 5 && Date.now() - started < 40_000) {
    await sleep(500);
    usage = await api.usage(key);
  }
  console.log(
    `faults: a gateway killed before counting 5 answered calls: counted ${usage} after ${Date.now() - started} ms`,
  );
  expect(usage).toBe(5);
  // Swept again by every process: still once.
  await sleep(6_000);
  expect(await api.usage(key)).toBe(5);
});
