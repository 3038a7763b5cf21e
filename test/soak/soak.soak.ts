/**
 * `pnpm soak`: 10,000 recognition calls at 64 in flight against a built gateway and two workers
 * on private PostgreSQL and Redis servers, with faults injected at random times (a worker
 * SIGKILLed and a new one started, as an orchestrator would; Redis restarted; every PostgreSQL
 * connection terminated). Prints throughput, every status, the faults, and whether usage equals
 * the calls answered 201. Not part of the test command: it takes many minutes.
 * SOAK_CALLS / SOAK_IN_FLIGHT change the size.
 */
import { applyMigrations, ensureDatabase } from '../../libs/infra/src/database/migrator';
import { join } from 'node:path';
import { ADMIN_TOKEN, Answer, Api, runLoad, sleep, smallPhoto, statuses } from '../system/load';
import { GATEWAY_READY, Running, startApp, WORKER_READY } from '../system/processes';
import { PrivatePostgres, PrivateRedis, testPort } from '../system/services';

const CALLS = Number(process.env.SOAK_CALLS ?? 10_000);
const IN_FLIGHT = Number(process.env.SOAK_IN_FLIGHT ?? 64);

const postgres = new PrivatePostgres();
const redis = new PrivateRedis();
const port = testPort();
const api = new Api(`http://127.0.0.1:${port}`);
const env = {
  PORT: String(port),
  DATABASE_URL: `${postgres.server}/platewise`,
  REDIS_URL: redis.url,
  REDIS_PREFIX: 'soak:',
  ADMIN_TOKEN,
  ENGINE_THREADS: '1',
  LOG_LEVEL: 'log',
};
const processes: Running[] = [];
const say = (line: string) => process.stdout.write(`soak: ${line}\n`);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
  await redis.stop();
  await postgres.destroy();
});

it(`${CALLS} calls at ${IN_FLIGHT} in flight with faults injected`, async () => {
  await Promise.all([postgres.create(), redis.start()]);
  await ensureDatabase(env.DATABASE_URL);
  await applyMigrations(env.DATABASE_URL, join(__dirname, '..', '..', 'prisma', 'migrations'));
  const start = async (name: 'gateway' | 'worker') => {
    const p = await startApp(name, env, name === 'gateway' ? GATEWAY_READY : WORKER_READY);
    processes.push(p);
    return p;
  };
  const gateway = await start('gateway');
  let workers = [await start('worker'), await start('worker')];
  const photo = await smallPhoto(400);
  const key = await api.loadAccount('soak');

  const faults: string[] = [];
  const began = performance.now();
  const stamp = () => `${((performance.now() - began) / 1000).toFixed(1)} s`;
  const inject: Record<string, () => Promise<void>> = {
    'worker SIGKILL': async () => {
      const [victim, ...rest] = workers;
      victim.child.kill('SIGKILL');
      workers = [...rest, await start('worker')];
    },
    'Redis restart': async () => {
      await redis.stop();
      await sleep(2_000);
      await redis.start();
    },
    'PostgreSQL connections terminated': async () => {
      await postgres.terminateConnections();
    },
  };
  let done = false;
  const injector = (async () => {
    while (!done) {
      await sleep(15_000 + Math.random() * 25_000);
      if (done) break;
      const names = Object.keys(inject);
      const name = names[Math.floor(Math.random() * names.length)];
      faults.push(`${name} at ${stamp()}`);
      say(`fault: ${name} at ${stamp()}`);
      await inject[name]().catch((e: Error) => say(`fault ${name} failed: ${e.message}`));
    }
  })();
  const answers: Answer[] = await runLoad(api, key, photo, {
    started: began,
    calls: CALLS,
    inFlight: IN_FLIGHT,
    backoffMs: 500,
    maxMs: 4 * 3600_000,
    onAnswer: (_a, all) => {
      if (all.length % 1000 === 0)
        say(`${all.length} answered at ${stamp()}: ${JSON.stringify(statuses(all))}`);
    },
  });
  done = true;
  const seconds = (performance.now() - began) / 1000;
  await injector;

  const served = answers.filter((a) => a.status === 201).length;
  await api.reachable(key, 30_000);
  const usage = await api.usage(key);
  const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
  const q = (p: number) => Math.round(ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]);
  say(
    `${answers.length} calls in ${seconds.toFixed(0)} s: ${(answers.length / seconds).toFixed(1)} calls/s, ${(served / seconds).toFixed(1)} served/s`,
  );
  say(
    `statuses ${JSON.stringify(statuses(answers))}; latency p50 ${q(0.5)} ms, p90 ${q(0.9)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms`,
  );
  say(`faults (${faults.length}): ${faults.join('; ')}`);
  say(
    `usage ${usage}, answered 201: ${served} → ${usage === served ? 'exact' : `OFF BY ${usage - served}`}`,
  );
  say(
    `gateway ${gateway.child.exitCode === null ? 'up' : 'EXITED'} throughout; workers now up: ${workers.filter((w) => w.child.exitCode === null).length}`,
  );
  expect(gateway.child.exitCode).toBeNull();
  expect(usage).toBe(served);
  expect(Object.keys(statuses(answers)).filter((s) => s !== '201' && s !== '503')).toEqual([]);
});
