// What the gateway benchmarks share: a throwaway database and Redis prefix, the built apps
// started as separate processes on them, the CLI, and the clean-up.
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = fileURLToPath(new URL('../..', import.meta.url));

export function benchEnv(name) {
  const run = `${process.pid}_${Date.now().toString(36)}`;
  const env = {
    ...process.env,
    DATABASE_URL: `postgresql://postgres@127.0.0.1:5432/platewise_${name}_${run}`,
    REDIS_PREFIX: `platewise-${name}:${run}:`,
    PORT: String(19000 + Math.floor(Math.random() * 900)),
    ADMIN_TOKEN: 'bench-admin-token-0123456789',
    LOG_LEVEL: 'warn',
  };
  const cli = (...args) =>
    JSON.parse(
      execFileSync(process.execPath, [join(root, 'apps/cli/dist/main.js'), ...args], {
        env,
      }).toString(),
    );
  return { run, env, cli };
}

/**
 * Node flags for this checkout's gateway and worker only (not a baseline's), from
 * BENCH_NODE_FLAGS: to measure a V8 setting (e.g. `--max-semi-space-size=32`) against the
 * baseline in the same run.
 */
export const extraNodeFlags = (process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean);

/** Starts `<checkout>/apps/<app>/dist/main.js` and resolves once its log matches `ready`. */
export function start(app, env, ready, checkout = root) {
  // Workers run as the README says to run them (see "How a call flows").
  const flags = [
    ...(app === 'worker' ? ['--single-threaded-gc'] : []),
    ...(checkout === root ? extraNodeFlags : []),
  ];
  const child = spawn(process.execPath, [...flags, join(checkout, 'apps', app, 'dist/main.js')], {
    env: { ...env, LOG_LEVEL: 'log' },
  });
  // BENCH_LOGS=<folder>: each process's output kept there (e.g. with BENCH_NODE_FLAGS=--trace-gc).
  if (process.env.BENCH_LOGS) {
    const file = createWriteStream(
      join(process.env.BENCH_LOGS, `${app}-${basename(checkout)}.log`),
    );
    // --trace-gc counts ms from the process's start: this line puts them on the clock.
    file.write(`spawned at ${Date.now()}\n`);
    child.stdout.pipe(file);
    child.stderr.pipe(file);
  }
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

/** Stops the apps, then drops the benchmark's database. */
export async function cleanUp(children, env) {
  for (const child of children) child?.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  execFileSync(process.execPath, [
    '-e',
    `const { dropDatabase } = require(${JSON.stringify(join(root, 'libs/infra/dist'))});
     dropDatabase(${JSON.stringify(env.DATABASE_URL)}).then(() => process.exit(0));`,
  ]);
}
