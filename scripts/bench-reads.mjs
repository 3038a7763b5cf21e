// Read history search benchmark: a throwaway database with READS (1,000,000 by default) stored
// reads of one account, plus 10 % as many of another, inserted in SQL the way ReadsService
// stores them; then ReadsService.search (the code GET /v1/reads/ runs) for exact, prefix and
// look-alike plates, a camera and a time range, each 200 times with plates it holds: p50 and p95.
// Goal: p95 <= 50 ms for a plate search.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import pg from 'pg';
import { benchEnv, cleanUp, root } from './lib/bench-env.mjs';

const require = createRequire(import.meta.url);
const { ReadsService, lookalikeKey } = require(join(root, 'libs/domain/dist'));
const { env, cli } = benchEnv('reads');
const READS = Number(process.env.READS ?? 1_000_000);
const RUNS = 200;

cli('migrate');
const pool = new pg.Pool({ connectionString: env.DATABASE_URL, max: 4 });
try {
  const account = async (name) =>
    (
      await pool.query(
        `INSERT INTO accounts (id, username, read_retention_days) VALUES (gen_random_uuid(), $1, 365) RETURNING id`,
        [name],
      )
    ).rows[0].id;
  const mine = await account('bench-reads');
  const theirs = await account('bench-reads-other');

  // Plates of three letters and four digits (26^3 * 10^4 possible), a month of reads, 20 cameras.
  const insert = (accountId, count) =>
    pool.query(
      `WITH gen AS (
         SELECT i,
                chr(97 + floor(random() * 26)::int) || chr(97 + floor(random() * 26)::int) ||
                chr(97 + floor(random() * 26)::int) || lpad(floor(random() * 10000)::text, 4, '0') AS plate
         FROM generate_series(1, $2::int) i
       ), keyed AS (
         SELECT i, plate, translate(upper(plate), 'OIB', '018') AS k,
                now() - random() * interval '30 days' AS t
         FROM gen
       )
       INSERT INTO reads (account_id, read_at, "timestamp", plate, lookalike, variants, score, region,
                          vehicle, camera_id, request_type)
       SELECT $1::uuid, t, to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), plate, k,
              ARRAY(SELECT DISTINCT v FROM (SELECT k AS v UNION ALL
                    SELECT overlay(k placing '' from p for 1) FROM generate_series(1, length(k)) p) d),
              0.9, 'us', '{"type":"Sedan","score":0.8}', 'cam-' || (i % 20), 'plate_reader'
       FROM keyed`,
      [accountId, count],
    );
  const started = performance.now();
  const CHUNK = 100_000;
  for (let done = 0; done < READS; done += CHUNK) {
    await insert(mine, Math.min(CHUNK, READS - done));
    process.stderr.write(`\r${Math.min(done + CHUNK, READS).toLocaleString('en-US')} reads`);
  }
  await insert(theirs, Math.ceil(READS / 10));
  await pool.query('ANALYZE reads');
  process.stderr.write('\n');
  console.log(
    `inserted ${READS.toLocaleString('en-US')} reads (+${Math.ceil(READS / 10).toLocaleString('en-US')} of another account) in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );

  // Plates that are there, picked at random; the JS key must equal the SQL one.
  const { rows } = await pool.query(
    `SELECT plate, lookalike FROM reads WHERE account_id = $1 ORDER BY random() LIMIT ${RUNS}`,
    [mine],
  );
  for (const r of rows)
    if (lookalikeKey(r.plate) !== r.lookalike) throw new Error(`key mismatch for ${r.plate}`);
  const reads = new ReadsService(pool);
  const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.ceil((p / 100) * xs.length) - 1];
  const cases = {
    exact: (r) => ({ plate: r.plate }),
    prefix: (r) => ({ plate: r.plate.slice(0, 4), match: 'prefix' }),
    lookalike: (r) => ({ plate: `${r.plate.slice(0, 6)}x`, match: 'lookalike' }),
    'camera + last day': (_r, i) => ({
      cameraId: `cam-${i % 20}`,
      from: new Date(Date.now() - 86_400_000),
    }),
  };
  for (const [name, query] of Object.entries(cases)) {
    const ms = [];
    let found = 0;
    for (const [i, r] of rows.entries()) {
      const t0 = performance.now();
      const page = await reads.search(mine, query(r, i));
      ms.push(performance.now() - t0);
      found += page.results.length;
    }
    console.log(
      `${name.padEnd(18)} p50 ${pct(ms, 50).toFixed(2)} ms  p95 ${pct(ms, 95).toFixed(2)} ms  (${(found / rows.length).toFixed(1)} reads per page on average; goal p95 <= 50 ms)`,
    );
  }
} finally {
  await pool.end();
  await cleanUp([], env);
}
