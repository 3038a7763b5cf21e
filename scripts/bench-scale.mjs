// Scaling benchmark: one gateway and N workers as processes on this machine (N = 1, 2, and 2
// with ENGINE_THREADS=1), a bounded load of real dev photos on loopback (BENCH_CLIENTS callers
// in parallel, BENCH_CALLS calls per set-up), and for each set-up: calls/s, p50/p99 latency,
// errors, peak RSS per worker, and the recognition queue's wait list over time: the list KEDA's
// redis scaler reads (LLEN <REDIS_PREFIX>bull:recognition:wait), so the autoscaling signal shows.
import Redis from 'ioredis';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { benchEnv, cleanUp, start } from './lib/bench-env.mjs';
import { benchAccount, client, pct, photoBodies } from './lib/bench-load.mjs';
import { loadAverage } from './lib/load-average.mjs';

const CALLS = Number(process.env.BENCH_CALLS ?? 120);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 8);
const SAMPLE_MS = 500;
const SETUPS = [
  { workers: 1, threads: 2 },
  { workers: 2, threads: 2 },
  { workers: 2, threads: 1 },
];

const { run, env, cli } = benchEnv('scale');
const base = `http://127.0.0.1:${env.PORT}`;
const post = client(CLIENTS);
const waitList = `${env.REDIS_PREFIX}bull:recognition:wait`;

/** CPU seconds a process has used (user + system; Linux /proc, 100 ticks a second). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Peak and current resident memory of a process, in MB (Linux /proc). */
function memory(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN);
  return { peak: kb('VmHWM') / 1024, now: kb('VmRSS') / 1024 };
}

/** BENCH_CALLS calls from BENCH_CLIENTS callers, each taking the next photo; queue sampled meanwhile. */
async function load(apiKey, photos, redis) {
  const latencies = [];
  const errors = new Map();
  const depth = [];
  let next = 0;
  const started = performance.now();
  const sampler = setInterval(async () => depth.push(await redis.llen(waitList)), SAMPLE_MS);
  const caller = async () => {
    while (next < CALLS) {
      const { body, contentType } = photos[next++ % photos.length];
      const t0 = performance.now();
      const res = await post(
        `${base}/v1/plate-reader/`,
        { Authorization: `Token ${apiKey}`, 'Content-Type': contentType },
        body,
      ).catch((error) => ({ status: error.code ?? error.message }));
      if (res.status === 201) latencies.push(performance.now() - t0);
      else errors.set(res.status, (errors.get(res.status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, caller));
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  return { seconds, latencies, errors, depth };
}

cli('migrate');
const redis = new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const gateway = await start('gateway', env, /listening/);
const results = [];
try {
  const apiKey = await benchAccount(base, env, cli, run);
  const photos = photoBodies();
  console.log(
    `load: ${CALLS} calls per set-up from ${CLIENTS} parallel callers over ${photos.length} dev photos; queue sampled every ${SAMPLE_MS} ms`,
  );
  console.log(`machine: ${os.cpus().length} CPUs, load average ${loadAverage()} at start`);
  for (const setup of SETUPS) {
    const workerEnv = { ...env, ENGINE_THREADS: String(setup.threads) };
    const workers = await Promise.all(
      Array.from({ length: setup.workers }, () => start('worker', workerEnv, /worker ready/)),
    );
    try {
      // A few calls first: connections, code paths and each worker's first reads warm up.
      await Promise.all(
        photos
          .slice(0, 2 * setup.workers)
          .map(({ body, contentType }) =>
            post(
              `${base}/v1/plate-reader/`,
              { Authorization: `Token ${apiKey}`, 'Content-Type': contentType },
              body,
            ),
          ),
      );
      const cpuBefore = workers.map((w) => cpuSeconds(w.pid));
      const r = await load(apiKey, photos, redis);
      const rss = workers.map((w) => memory(w.pid));
      // Cores the workers actually got: when two workers get no more than one did, the machine
      // (other processes, or too few cores) is the limit, not the workers.
      const cores =
        workers.reduce((sum, w, i) => sum + cpuSeconds(w.pid) - cpuBefore[i], 0) / r.seconds;
      const f = (x) => x.toFixed(0);
      const line = {
        setup: `${setup.workers} worker${setup.workers > 1 ? 's' : ''} × ENGINE_THREADS=${setup.threads}`,
        callsPerSecond: r.latencies.length / r.seconds,
        p50: pct(r.latencies, 50),
        p99: pct(r.latencies, 99),
        errors: [...r.errors].map(([k, v]) => `${k}×${v}`).join(' ') || '0',
        depth: r.depth,
        rss,
      };
      results.push(line);
      console.log(
        `\n${line.setup}: ${line.callsPerSecond.toFixed(2)} calls/s, p50 ${f(line.p50)} ms, p99 ${f(line.p99)} ms, errors ${line.errors}, ${r.latencies.length} served in ${r.seconds.toFixed(1)} s`,
      );
      console.log(
        `  worker RSS MB (peak / at end): ${rss.map((m) => `${f(m.peak)} / ${f(m.now)}`).join(', ')}; CPU cores the workers used: ${cores.toFixed(2)} (${(line.callsPerSecond / cores).toFixed(1)} calls/s per core)`,
      );
      console.log(
        `  queue wait list every ${SAMPLE_MS} ms: ${r.depth.join(' ')} (max ${Math.max(0, ...r.depth)})`,
      );
    } finally {
      await Promise.all(
        workers.map((w) => new Promise((resolve) => (w.once('exit', resolve), w.kill('SIGTERM')))),
      );
    }
  }
  const gw = memory(gateway.pid);
  console.log(
    `\ngateway RSS MB (peak / at end): ${gw.peak.toFixed(0)} / ${gw.now.toFixed(0)}; load average at end ${loadAverage()}`,
  );
  const first = results[0].callsPerSecond;
  console.log(
    `summary: ${results.map((r) => `${r.setup} ${r.callsPerSecond.toFixed(2)} calls/s (×${(r.callsPerSecond / first).toFixed(2)})`).join('; ')}`,
  );
} finally {
  await redis.quit();
  await cleanUp([gateway], env);
}
