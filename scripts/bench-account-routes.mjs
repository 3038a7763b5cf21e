// Account routes benchmark: starts the built gateway on a throwaway database, gives one account a
// contract with two periods (the first 400 days ago) and 90 days of usage, then loads each account
// route and, just before it, a trivial route of the same gateway (a 404) with autocannon, and
// prints req/s and their ratio. Target: every account route >= 0.5x the trivial route.
// BENCH_BASELINE=<another checkout> also runs that checkout's built gateway in the same run, on
// the same database, so before and after are measured side by side.
import autocannon from 'autocannon';
import pg from 'pg';
import { benchEnv, cleanUp, start } from './lib/bench-env.mjs';

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 32);
const { run, env, cli } = benchEnv('bench_routes');
const TRIVIAL = '/nothing-here';

/** Requests per second autocannon got from `path`, after a one-second warm-up. */
async function load(port, path, headers) {
  const url = `http://127.0.0.1:${port}${path}`;
  await autocannon({ url, headers, connections, duration: 1 });
  const result = await autocannon({ url, headers, connections, duration: seconds });
  if (result.non2xx > 0 && path !== TRIVIAL)
    throw new Error(`${path}: ${result.non2xx} answers not 2xx`);
  return result.requests.average;
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
    gateways.push(
      await start(
        'gateway',
        { ...env, PORT: String(port) },
        /listening/,
        process.env.BENCH_BASELINE,
      ),
    );
    targets.unshift({ name: `baseline ${process.env.BENCH_BASELINE}`, port });
  }
  const headers = { Authorization: `Token ${apiKey}` };
  const routes = [
    '/v1/statistics/',
    '/v2/subscription',
    '/v2/quota/daily',
    '/v2/quota/history',
    '/info/',
  ];
  console.log(
    `autocannon: ${connections} connections, ${seconds} s per measurement (after 1 s warm-up)`,
  );
  // Each route is measured right after the trivial route, so the machine's drift (other work on
  // it) affects both sides of each ratio alike.
  for (const target of targets) {
    console.log(`${target.name}:`);
    for (const route of routes) {
      const trivial = await load(target.port, TRIVIAL, {});
      const rps = await load(target.port, route, headers);
      const figures = `${rps.toFixed(0).padStart(6)} req/s   trivial route (404) ${trivial.toFixed(0).padStart(6)} req/s`;
      console.log(`  ${route.padEnd(18)} ${figures}   ${(rps / trivial).toFixed(2)}x`);
    }
  }
} finally {
  await cleanUp(gateways, env);
}
