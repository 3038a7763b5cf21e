import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

export interface Running {
  child: ChildProcess;
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts a built app (`apps/<name>/dist/main.js`) and resolves once it printed `ready`. */
export function startApp(
  name: 'gateway' | 'worker',
  env: Record<string, string>,
  ready: RegExp,
): Promise<Running> {
  // Workers run as the README says to run them (see "How a call flows").
  const flags = name === 'worker' ? ['--single-threaded-gc'] : [];
  const child = spawn(process.execPath, [...flags, join(ROOT, 'apps', name, 'dist', 'main.js')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  const running: Running = {
    child,
    output: () => log,
    stop: (signal = 'SIGTERM') =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill(signal);
      }),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start:\n${log}`));
    }, 60_000);
    const onData = (chunk: Buffer) => {
      log += chunk.toString();
      if (ready.test(log)) {
        clearTimeout(timer);
        resolve(running);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${log}`));
    });
  });
}

/**
 * Starts apps side by side. When one fails to start, the others are stopped and the failure is
 * thrown: a test suite's beforeAll fails instead of a dangling rejection ending the jest process.
 */
export async function startTogether(starts: Promise<Running>[]): Promise<Running[]> {
  const settled = await Promise.allSettled(starts);
  const started = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (!failed) return started;
  await Promise.all(started.map((app) => app.stop('SIGKILL')));
  throw failed.reason;
}

export const GATEWAY_READY = /gateway listening/;
export const WORKER_READY = /worker ready/;
