// Gateway overhead benchmark: starts the built gateway and one worker as separate processes on a
// throwaway database, sends every dev photo through POST /v1/plate-reader/ one at a time, and
// prints the time the gateway adds (HTTP + queue + result hand-back) over the engine's own
// processing_time: p50 and p90, as the client sees it, and over a bare HTTP exchange of the same
// photo (posted to a node:http server that answers at once, after the same idle as the engine's
// time, in the same loop). Goal: p50 <= 5 ms, p90 <= 10 ms over the bare exchange. Each photo is
// sent twice, alternately by an account that keeps no reads and one that stores them
// (readRetentionDays), so the cost of the read history is measured in the same run. Goal: <= 1 ms
// p50 more. The load average is printed with the figures: on a shared machine they drift 2–3×.
// BENCH_BASELINE=<another checkout> also starts that checkout's built gateway and worker (on their
// own Redis prefix, the same database) and sends every photo through both, in alternating order,
// so the two are measured on the same machine at the same time; the ratio of their p50 and p90 is
// printed.
import { spawn } from 'node:child_process';
import { createServer, connect } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import Redis from 'ioredis';
import pg from 'pg';
import { benchEnv, cleanUp, extraNodeFlags, start } from './lib/bench-env.mjs';
import { benchAccount, client, pct, photoBodies } from './lib/bench-load.mjs';
import { loadAverage } from './lib/load-average.mjs';

const { run, env, cli } = benchEnv('bench');
const post = client(1);

/** ms of each of `times` calls of `call(i)`, each after `idleMs` of idle (0: back to back). */
async function timings(call, idleMs, times = 30) {
  const ms = [];
  for (let i = 0; i < times; i++) {
    if (idleMs) await new Promise((r) => setTimeout(r, idleMs));
    const t0 = performance.now();
    await call(i);
    ms.push(performance.now() - t0);
  }
  return ms;
}

/** p50 of `timings`. */
const probe = async (call, idleMs, times) => pct(await timings(call, idleMs, times), 50);

/**
 * What one round trip to PostgreSQL and to Redis costs on this machine, back to back and after
 * 100 ms idle (the engine's time, during which every other process sleeps). A call crosses about
 * seven such idle wake-ups (client, gateway, database, Redis, worker), so this sets the floor of
 * the figures above and tells whether a slow result is the gateway's or the machine's.
 */
async function roundTrips() {
  const db = new pg.Client({ connectionString: 'postgresql://postgres@127.0.0.1:5432/postgres' });
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true });
  await Promise.all([db.connect(), redis.connect()]);
  const sql = () => db.query({ name: 'probe', text: 'SELECT 1' });
  const ping = () => redis.ping();
  const p = async (call, idleMs) => (await probe(call, idleMs)).toFixed(2);
  const line = `PostgreSQL ${await p(sql, 0)} → ${await p(sql, 100)} ms, Redis ${await p(ping, 0)} → ${await p(ping, 100)} ms`;
  await Promise.all([db.end(), redis.quit()]);
  return line;
}

/**
 * What moving 1 MB over loopback TCP costs here (node:net, client and server in this process, 40
 * writes 30 ms apart): on the development machines it is bimodal, about 0.8 ms or about 4 ms in
 * runs of a few dozen writes, and a large photo crosses two such hops that the bare exchange does
 * not (gateway → Redis → worker), so this line says how much of a run's p90 the machine set
 * (docs/gateway-latency.md).
 */
async function megabyteHops(writes = 40) {
  const size = 1_000_000;
  const server = createServer((socket) => {
    let got = 0;
    socket.on('data', (chunk) => {
      got += chunk.length;
      if (got >= size) {
        got -= size;
        socket.write('k');
      }
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const socket = connect(server.address().port, '127.0.0.1');
  socket.setNoDelay(true);
  await new Promise((resolve) => socket.once('connect', resolve));
  const bytes = Buffer.alloc(size, 7);
  const hop = () => {
    socket.write(bytes);
    return new Promise((r) => socket.once('data', r));
  };
  const ms = await timings(hop, 30, writes);
  socket.destroy();
  server.close();
  const slow = ms.filter((t) => t > 2).length;
  return `p50 ${pct(ms, 50).toFixed(1)} ms, p90 ${pct(ms, 90).toFixed(1)} ms, ${slow} of ${writes} over 2 ms`;
}

/**
 * An HTTP exchange with no gateway at all: a node:http server (another process) that reads the
 * posted photo and answers a 1.5 kB JSON at once. Part of it (sending and reading the body) is
 * inside the gateway's figures too; the goal is on what the gateway adds over it.
 */
async function bareServer() {
  const server = spawn(process.execPath, [
    '-e',
    `require('node:http').createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(201, { 'Content-Type': 'application/json' }).end(JSON.stringify({ pad: 'x'.repeat(1500) }))); }).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`,
  ]);
  const port = await new Promise((resolve) =>
    server.stdout.once('data', (d) => resolve(Number(String(d)))),
  );
  const headers = { 'Content-Type': 'multipart/form-data; boundary=x' };
  return {
    /** ms of one exchange of `body`, after `idleMs` of idle (as a call idles through the engine) */
    async exchange(body, idleMs) {
      await new Promise((r) => setTimeout(r, idleMs));
      const t0 = performance.now();
      await post(`http://127.0.0.1:${port}/`, headers, body);
      return performance.now() - t0;
    },
    stop: () => server.kill(),
  };
}

/**
 * One gateway with its worker: `checkout`'s built apps, on the benchmark's database and a Redis
 * prefix of their own (a worker answers only the gateways of its own prefix).
 */
async function stack(name, checkout, port, prefix) {
  const workerPort = port + 1;
  const stackEnv = {
    ...env,
    PORT: String(port),
    REDIS_PREFIX: prefix,
    WORKER_HTTP_PORT: String(workerPort),
  };
  const processes = await Promise.all([
    start('gateway', stackEnv, /listening/, checkout),
    start('worker', stackEnv, /worker ready/, checkout),
  ]);
  const base = `http://127.0.0.1:${port}`;
  const admin = { Authorization: `Bearer ${env.ADMIN_TOKEN}` };
  return {
    name,
    base,
    processes,
    /** Garbage collections of the gateway's and the worker's main threads so far. */
    gc: async () => ({
      gateway: gcTotals(await fetch(`${base}/metrics`, { headers: admin }).then((r) => r.text())),
      worker: gcTotals(await fetch(`http://127.0.0.1:${workerPort}/metrics`).then((r) => r.text())),
    }),
    /** Peak resident memory (MB) of the gateway and the worker since resetPeak (Linux). */
    peakMb: () => processes.map((p) => peakResidentMb(p.pid)),
    /** Forgets the peaks so far (start-up's), where Linux allows it. */
    resetPeak: () => processes.forEach((p) => resetPeakResident(p.pid)),
  };
}

/**
 * Count and pause time (ms) per kind of collection, from prom-client's default
 * `*_nodejs_gc_duration_seconds` histogram. Incremental marking steps between the pauses are not
 * in it: a `major` count says how often one ran, and each costs tens of ms of steps besides.
 */
function gcTotals(metrics) {
  const totals = {};
  for (const [, field, kind, value] of metrics.matchAll(
    /_nodejs_gc_duration_seconds_(sum|count)\{kind="(\w+)"\} ([\d.e+-]+)/g,
  )) {
    totals[kind] ??= { count: 0, ms: 0 };
    if (field === 'count') totals[kind].count = Number(value);
    else totals[kind].ms = Number(value) * 1000;
  }
  return totals;
}

function resetPeakResident(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // not Linux, or not allowed: the peak then includes start-up
  }
}

function peakResidentMb(pid) {
  try {
    const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return kb ? Number(kb[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

/** GC between two gcTotals snapshots, per 100 calls: `major 3.0 (41 ms), minor 20.0 (35 ms)`. */
function gcPer100(before, after, calls) {
  return ['major', 'minor']
    .map((kind) => {
      const [b, a] = [before[kind] ?? { count: 0, ms: 0 }, after[kind] ?? { count: 0, ms: 0 }];
      const per = (x) => (x * 100) / calls;
      return `${kind} ${per(a.count - b.count).toFixed(1)} (${per(a.ms - b.ms).toFixed(0)} ms)`;
    })
    .join(', ');
}

/** What one stack measured. */
function results() {
  return {
    /** client-side added latency of the account that stores its reads */
    storedOverhead: [],
    overhead: [],
    /** added latency minus the bare exchange of the same photo */
    overBare: [],
    serverSide: [],
    engine: [],
    phases: new Map(),
  };
}

/** Sends `body` to `target` with `apiKey`; returns the answer and the client's wall time. */
async function call(target, apiKey, { image, body, contentType }) {
  const headers = { Authorization: `Token ${apiKey}`, 'Content-Type': contentType };
  const t0 = performance.now();
  const res = await post(`${target.base}/v1/plate-reader/`, headers, body);
  const wall = performance.now() - t0;
  if (res.status !== 201)
    throw new Error(`${target.name} ${image}: HTTP ${res.status} ${res.body}`);
  return { res, answer: JSON.parse(res.body), wall };
}

/** One photo through `target`: by the plain account (measured in full) and the storing one. */
async function measure(target, photo, i, r) {
  const stored = async () => {
    const { answer, wall } = await call(target, target.storingKey, photo);
    if (i > 0) r.storedOverhead.push(wall - answer.processing_time);
  };
  // Same photo by the storing account, first or second in turn so neither always goes first; it
  // turns every two photos, as the targets' order turns every photo, so that each target's measured
  // call comes first, second, third and fourth after the idle in turn (turning both every photo
  // made one target's always first or fourth, the other's second or third: main against itself
  // measured 0.9 ms apart).
  const storedFirst = Math.floor(i / 2) % 2 === 0;
  if (storedFirst) await stored();
  const { res, answer, wall } = await call(target, target.apiKey, photo);
  if (i > 0) {
    // the first call warms up connections and code paths
    r.overhead.push(wall - answer.processing_time);
    r.lastEngine = answer.processing_time;
    const timing = Object.fromEntries(
      res.headers['server-timing']
        .split(',')
        .map((p) => /^\s*(\w+);dur=(-?[\d.]+)/.exec(p).slice(1))
        .map(([k, v]) => [k, Number(v)]),
    );
    r.serverSide.push(timing.app - answer.processing_time);
    r.engine.push(answer.processing_time);
    let rest = timing.app - answer.processing_time;
    for (const [k, v] of Object.entries(timing)) {
      if (k === 'app' || k === 'engine') continue;
      r.phases.set(k, [...(r.phases.get(k) ?? []), v]);
      rest -= v;
    }
    // Routing, guards, serialisation and waits for the event loop: in the gateway but in no phase.
    r.phases.set('other', [...(r.phases.get('other') ?? []), rest]);
    if (process.env.BENCH_DUMP)
      console.error(
        JSON.stringify({
          target: target.name,
          photo: photo.image,
          at: Date.now(),
          wall,
          ...timing,
        }),
      );
  }
  if (!storedFirst) await stored();
}

const f = (x) => x.toFixed(1);

/**
 * The median of the photo-by-photo differences `now[i] - old[i]` and its distribution-free 95 %
 * interval (order statistics of the sign test): the ratios above drift with the machine's load
 * even between identical checkouts, pairs measured back to back much less.
 */
function pairedMedian(now, old) {
  const d = now.map((x, i) => x - old[i]).sort((a, b) => a - b);
  const half = 0.98 * Math.sqrt(d.length);
  const at = (k) => d[Math.min(d.length - 1, Math.max(0, Math.round(k)))];
  return { median: pct(d, 50), low: at(d.length / 2 - half - 1), high: at(d.length / 2 + half) };
}

function report(name, r) {
  console.log(`${name}:`);
  console.log(
    `  added over a bare exchange of the same photo  p50 ${f(pct(r.overBare, 50))} ms  p90 ${f(pct(r.overBare, 90))} ms  (goal p50 <= 5 ms, p90 <= 10 ms)`,
  );
  console.log(
    `  engine processing_time   p50 ${f(pct(r.engine, 50))} ms  p90 ${f(pct(r.engine, 90))} ms`,
  );
  console.log(
    `  gateway added latency    p50 ${f(pct(r.overhead, 50))} ms  p90 ${f(pct(r.overhead, 90))} ms  (as the client sees it: wall minus processing_time)`,
  );
  const readsCost = pct(r.storedOverhead, 50) - pct(r.overhead, 50);
  console.log(
    `  with read history stored p50 ${f(pct(r.storedOverhead, 50))} ms  p90 ${f(pct(r.storedOverhead, 90))} ms  (same photos, same run): ${readsCost >= 0 ? '+' : ''}${readsCost.toFixed(2)} ms p50 (goal <= 1 ms)`,
  );
  console.log(
    `    of which in the gateway p50 ${f(pct(r.serverSide, 50))} ms  p90 ${f(pct(r.serverSide, 90))} ms  (Server-Timing app minus processing_time)`,
  );
  console.log(
    `    phases (Server-Timing, p50 / p90 ms): ${[...r.phases].map(([k, v]) => `${k} ${f(pct(v, 50))}/${f(pct(v, 90))}`).join(', ')}`,
  );
}

cli('migrate');
const stacks = [];
const loadBefore = loadAverage();
const bare = await bareServer();
try {
  const port = Number(env.PORT);
  const name = `this checkout${extraNodeFlags.length > 0 ? ` (node ${extraNodeFlags.join(' ')})` : ''}`;
  stacks.push(await stack(name, undefined, port, env.REDIS_PREFIX));
  if (process.env.BENCH_BASELINE)
    stacks.unshift(
      await stack(
        `baseline ${process.env.BENCH_BASELINE}`,
        process.env.BENCH_BASELINE,
        port + 1000,
        `${env.REDIS_PREFIX}baseline:`,
      ),
    );
  // Each gateway makes its own two accounts, so every one pays the same first-use costs of the
  // admin routes (made through one gateway only, that one's resident memory stayed ~100 MB above).
  const targets = [];
  for (const [i, s] of stacks.entries()) {
    const apiKey = await benchAccount(s.base, env, cli, `${run}-${i}`);
    const storing = await fetch(`${s.base}/admin/accounts`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        username: `bench-reads-${run}-${i}`,
        plan: 'bench',
        readRetentionDays: 30,
      }),
    }).then((r) => r.json());
    targets.push({ ...s, apiKey, storingKey: storing.apiKey, r: results() });
  }
  const photos = photoBodies(Number(process.env.BENCH_LIMIT ?? Infinity));
  const bareMs = [];
  let gcBefore;
  for (const [i, photo] of photos.entries()) {
    // Every target gets the photo in turn, the first one changing with each photo.
    for (let t = 0; t < targets.length; t++)
      await measure(
        targets[(i + t) % targets.length],
        photo,
        i,
        targets[(i + t) % targets.length].r,
      );
    if (i === 0) {
      // After the warm-up, like every figure.
      gcBefore = await Promise.all(targets.map((t) => t.gc()));
      for (const target of targets) target.resetPeak();
      continue;
    }
    // The same photo with no gateway, after the idle the calls above spent in the engine.
    const ms = await bare.exchange(photo.body, targets[0].r.lastEngine);
    bareMs.push(ms);
    for (const { r } of targets) r.overBare.push(r.overhead.at(-1) - ms);
    if (process.stderr.isTTY) process.stderr.write(`\r${i + 1}/${photos.length}`);
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
  const gcAfter = await Promise.all(targets.map((t) => t.gc()));
  console.log(
    `photos: ${targets[0].r.overhead.length} (after 1 warm-up), sequential, one worker per gateway${targets.length > 1 ? ', targets interleaved' : ''}; load average (1, 5, 15 min) ${loadBefore} before, ${loadAverage()} after`,
  );
  console.log(
    `bare exchange of the same photos (node:http server, after the engine's idle): p50 ${f(pct(bareMs, 50))} ms  p90 ${f(pct(bareMs, 90))} ms`,
  );
  for (const [t, target] of targets.entries()) {
    report(target.name, target.r);
    // Each photo went through each target twice (plain and storing account).
    const calls = target.r.overhead.length * 2;
    const [b, a] = [gcBefore[t], gcAfter[t]];
    const peak = target.peakMb();
    console.log(
      `    GC pauses per 100 calls (main threads): gateway ${gcPer100(b.gateway, a.gateway, calls)}; worker ${gcPer100(b.worker, a.worker, calls)}; peak resident memory: gateway ${peak[0].toFixed(0)} MB, worker ${peak[1].toFixed(0)} MB`,
    );
  }
  if (targets.length > 1) {
    const ratio = (key, p) => (pct(targets[1].r[key], p) / pct(targets[0].r[key], p)).toFixed(2);
    console.log(
      `this checkout / baseline: added latency p50 ${ratio('overhead', 50)}x, p90 ${ratio('overhead', 90)}x; over the bare exchange p50 ${ratio('overBare', 50)}x, p90 ${ratio('overBare', 90)}x; in the gateway p50 ${ratio('serverSide', 50)}x, p90 ${ratio('serverSide', 90)}x`,
    );
    const { median, low, high } = pairedMedian(targets[1].r.overhead, targets[0].r.overhead);
    console.log(
      `this checkout − baseline, photo by photo (added latency): median ${f(median)} ms, 95 % interval ${f(low)} to ${f(high)} ms${low > 0 || high < 0 ? '' : ' (no difference shown)'}`,
    );
  }
  console.log(
    `machine: one round trip p50, back to back → after 100 ms idle: ${await roundTrips()}`,
  );
  console.log(
    `machine: 1 MB over loopback TCP (two such hops per call that the bare exchange has not): ${await megabyteHops()}`,
  );
} finally {
  bare.stop();
  await cleanUp(
    stacks.flatMap((s) => s.processes),
    env,
  );
}
