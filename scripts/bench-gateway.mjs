// Gateway overhead benchmark: starts the built gateway and one worker as separate processes on a
// throwaway database, sends every dev photo through POST /v1/plate-reader/ one at a time, and
// prints the time the gateway adds (HTTP + queue + result hand-back) over the engine's own
// processing_time: p50 and p90. Goal: p50 <= 10 ms.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dev = process.env.ALPR_DEV ?? join(root, '..', 'shared', 'alpr-dev');
const run = `${process.pid}_${Date.now().toString(36)}`;
const env = {
  ...process.env,
  DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/platewise_bench_${run}`,
  REDIS_PREFIX: `platewise-bench:${run}:`,
  PORT: String(19000 + Math.floor(Math.random() * 900)),
  ADMIN_TOKEN: 'bench-admin-token-0123456789',
  LOG_LEVEL: 'warn',
};
const base = `http://127.0.0.1:${env.PORT}`;
const cli = (...args) => JSON.parse(execFileSync(process.execPath, [join(root, 'apps/cli/dist/main.js'), ...args], { env }).toString());

function start(app, ready) {
  const child = spawn(process.execPath, [join(root, 'apps', app, 'dist/main.js')], { env: { ...env, LOG_LEVEL: 'log' } });
  return new Promise((resolve, reject) => {
    let log = '';
    const onData = (d) => {
      log += d;
      if (ready.test(log)) resolve(child);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${app} exited (${code}):\n${log}`)));
  });
}

const pct = (xs, p) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

cli('migrate');
const [gateway, worker] = await Promise.all([start('gateway', /listening/), start('worker', /worker ready/)]);
try {
  await fetch(`${base}/admin/plans`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'bench', totalCalls: 1e6, indicativeYearlyQuota: 1e7, callsPerSecond: 1000, allowAboveQuota: false, aboveQuotaUnitPrice: 0, mmcIncluded: true, maxUploadBytes: 8 * 1048576 }),
  });
  const { apiKey } = cli('account', 'create', `bench-${run}`, '--plan', 'bench');
  const photos = readFileSync(join(dev, 'dataset.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).image).slice(0, Number(process.env.BENCH_LIMIT ?? Infinity));
  const overhead = [];
  const serverSide = [];
  const engine = [];
  const phases = new Map();
  for (const [i, image] of photos.entries()) {
    // The multipart body is encoded before the clock starts: the client's own encoding is not the gateway's latency.
    const boundary = `----platewise-bench-${i}`;
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="upload"; filename="${basename(image)}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      readFileSync(join(dev, image)),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const headers = { Authorization: `Token ${apiKey}`, 'Content-Type': `multipart/form-data; boundary=${boundary}` };
    const t0 = performance.now();
    const res = await fetch(`${base}/v1/plate-reader/`, { method: 'POST', headers, body });
    const answer = await res.json();
    const wall = performance.now() - t0;
    if (res.status !== 201) throw new Error(`${image}: HTTP ${res.status} ${JSON.stringify(answer)}`);
    if (i > 0) {
      // the first call warms up connections and code paths
      overhead.push(wall - answer.processing_time);
      const timing = Object.fromEntries(
        res.headers.get('server-timing').split(',').map((p) => /^\s*(\w+);dur=([\d.]+)/.exec(p).slice(1)).map(([k, v]) => [k, Number(v)]),
      );
      serverSide.push(timing.app - answer.processing_time);
      engine.push(answer.processing_time);
      for (const [k, v] of Object.entries(timing)) if (k !== 'app' && k !== 'engine') phases.set(k, [...(phases.get(k) ?? []), v]);
    }
    if (process.stderr.isTTY) process.stderr.write(`\r${i + 1}/${photos.length}`);
  }
  process.stderr.write('\n');
  const f = (x) => x.toFixed(1);
  console.log(`photos: ${overhead.length} (after 1 warm-up), sequential, one worker`);
  console.log(`engine processing_time  p50 ${f(pct(engine, 50))} ms  p90 ${f(pct(engine, 90))} ms`);
  console.log(`gateway added latency   p50 ${f(pct(overhead, 50))} ms  p90 ${f(pct(overhead, 90))} ms  (goal p50 <= 10 ms; as the client sees it)`);
  console.log(`  of which in the gateway p50 ${f(pct(serverSide, 50))} ms  p90 ${f(pct(serverSide, 90))} ms  (Server-Timing app minus processing_time)`);
  console.log(`  phases (Server-Timing, p50 / p90 ms): ${[...phases].map(([k, v]) => `${k} ${f(pct(v, 50))}/${f(pct(v, 90))}`).join(', ')}`);
} finally {
  gateway.kill('SIGTERM');
  worker.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  execFileSync(process.execPath, ['-e', `
    const { dropDatabase } = require(${JSON.stringify(join(root, 'libs/domain/dist'))});
    dropDatabase(${JSON.stringify(env.DATABASE_URL)}).then(() => process.exit(0));
  `]);
}
