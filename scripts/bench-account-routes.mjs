// Account routes benchmark: starts the built gateway on a throwaway database, gives one account a
// contract with two periods (the first 400 days ago) and 90 days of usage, then loads each account
// route and a trivial route of the same gateway (a 404) in alternating short rounds, and prints
// the median req/s of each and the median of the rounds' ratios. Target: every account route
// >= 0.5x the trivial route.
// BENCH_BASELINE=<another checkout> also runs that checkout's built gateway in the same run, on
// the same database, checks that both give the same answers, and measures them side by side.
import http from 'node:http';
import pg from 'pg';
import { benchEnv, cleanUp, start } from './lib/bench-env.mjs';
import { loadAverage } from './lib/load-average.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 2);
const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const { run, env, cli } = benchEnv('bench_routes');
const TRIVIAL = '/nothing-here';
const ROUTES = [
  '/v1/statistics/',
  '/v2/subscription',
  '/v2/quota/daily',
  '/v2/quota/history',
  '/info/',
];

/**
 * `connections` kept-alive node:http connections, each sending its next request as soon as the
 * previous answer ended, for `ms`. Bodies are read and dropped (the load generator shares the
 * machine with the gateway, so it must cost little per answer, whatever the answer's size).
 * Returns the requests per second, and the share of one CPU this process spent doing it.
 */
async function load(port, path, headers, ms) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const until = performance.now() + ms;
  const cpu = process.cpuUsage();
  let done = 0;
  let failed = 0;
  const loop = () =>
    new Promise((resolve, reject) => {
      const next = () => {
        if (performance.now() >= until) return resolve();
        http
          .get({ host: '127.0.0.1', port, path, headers, agent }, (res) => {
            if (res.statusCode >= 300 && path !== TRIVIAL) failed++;
            res.on('data', () => {});
            res.on('end', () => {
              done++;
              next();
            });
          })
          .on('error', reject);
      };
      next();
    });
  const started = performance.now();
  await Promise.all(Array.from({ length: connections }, loop));
  const elapsed = performance.now() - started;
  agent.destroy();
  if (failed > 0) throw new Error(`${path}: ${failed} answers not 2xx`);
  const used = process.cpuUsage(cpu);
  return { rps: (done * 1000) / elapsed, clientCpu: (used.user + used.system) / 1000 / elapsed };
}

const median = (xs) => {
  const s = xs.slice().sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The trivial route and `route` in alternating rounds (which goes first alternates too). */
async function measure(port, route, headers) {
  await load(port, TRIVIAL, {}, 500);
  await load(port, route, headers, 500);
  const trivial = [];
  const routed = [];
  const ratios = [];
  let clientCpu = 0;
  for (let i = 0; i < rounds; i++) {
    const pair = [
      () => load(port, TRIVIAL, {}, seconds * 1000),
      () => load(port, route, headers, seconds * 1000),
    ];
    const [t, r] = i % 2 ? (await sequence(pair.reverse())).reverse() : await sequence(pair);
    trivial.push(t.rps);
    routed.push(r.rps);
    ratios.push(r.rps / t.rps);
    clientCpu = Math.max(clientCpu, t.clientCpu, r.clientCpu);
  }
  return {
    trivial: median(trivial),
    rps: median(routed),
    ratio: median(ratios),
    ratios,
    clientCpu,
  };
}

async function sequence(steps) {
  const results = [];
  for (const step of steps) results.push(await step());
  return results;
}

function get(port, path, headers) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode, body }));
      })
      .on('error', reject);
  });
}

async function seed(accountId) {
  const db = new pg.Client({ connectionString: env.DATABASE_URL });
  await db.connect();
  try {
    // A first period a year ago and the renewal in force, as a long-standing customer has.
    await db.query(
      `UPDATE contracts SET first_signature_date = now()::date - 400, latest_signature_date = now()::date - 400,
              next_signature_date = now()::date - 35, status = 'expired' WHERE account_id = $1`,
      [accountId],
    );
    await db.query(
      `INSERT INTO contracts (id, account_id, plan_id, status, first_signature_date, latest_signature_date, next_signature_date)
       SELECT gen_random_uuid(), account_id, plan_id, 'active', first_signature_date, now()::date - 35, now()::date + 330
       FROM contracts WHERE account_id = $1`,
      [accountId],
    );
    await db.query(
      `INSERT INTO daily_usage (account_id, day, request_type, count, above_quota)
       SELECT $1, now()::date - d, 'plate_reader', 10 + d % 7, 0 FROM generate_series(0, 89) d`,
      [accountId],
    );
  } finally {
    await db.end();
  }
}

cli('migrate');
const gateways = [];
try {
  const { apiKey, account } = cli('account', 'create', `bench-${run}`, '--plan', 'trial');
  await seed(account.id);
  const targets = [{ name: 'this checkout', port: Number(env.PORT) }];
  gateways.push(await start('gateway', env, /listening/));
  if (process.env.BENCH_BASELINE) {
    const port = Number(env.PORT) + 1000;
    const baselineEnv = { ...env, PORT: String(port) };
    gateways.push(await start('gateway', baselineEnv, /listening/, process.env.BENCH_BASELINE));
    targets.unshift({ name: `baseline ${process.env.BENCH_BASELINE}`, port });
  }
  const headers = { Authorization: `Token ${apiKey}` };
  // Every target must give the very same answers: a faster wrong answer would not count.
  for (const route of ROUTES) {
    const answers = await Promise.all(targets.map((t) => get(t.port, route, headers)));
    if (answers.some((a) => a.status !== 200 || a.body !== answers[0].body))
      throw new Error(`${route}: the targets' answers differ`);
    console.log(
      `${route.padEnd(18)} ${answers[0].body.length} bytes, same answer from every target`,
    );
  }
  console.log(
    `node:http client: ${connections} connections; per route ${rounds} rounds of ${seconds} s on the trivial route ` +
      `and ${seconds} s on the route, alternating; medians (ratio: median of the rounds' ratios); load average ${loadAverage()}`,
  );
  for (const target of targets) {
    console.log(`${target.name}:`);
    for (const route of ROUTES) {
      const m = await measure(target.port, route, headers);
      const figures = `${m.rps.toFixed(0).padStart(6)} req/s   trivial route (404) ${m.trivial.toFixed(0).padStart(6)} req/s`;
      const spread = `rounds ${Math.min(...m.ratios).toFixed(2)}-${Math.max(...m.ratios).toFixed(2)}, client CPU <= ${(m.clientCpu * 100).toFixed(0)}%`;
      console.log(`  ${route.padEnd(18)} ${figures}   ${m.ratio.toFixed(2)}x   (${spread})`);
    }
  }
  console.log(`load average at the end: ${loadAverage()}`);
} finally {
  await cleanUp(gateways, env);
}
