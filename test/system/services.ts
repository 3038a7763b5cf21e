/**
 * Private PostgreSQL and Redis servers for fault tests: the shared ones on 5432/6379 serve other
 * people and must never be stopped, so every outage is staged on servers of the test's own,
 * on their own ports, removed afterwards.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, chownSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);

/**
 * A port for a server a test starts, below 32768: Linux hands out ports from 32768 up to outgoing
 * connections (ip_local_port_range), and a server started on one a client socket holds fails with
 * EADDRINUSE. Each Jest worker process has a block of its own, and the ports of a test file follow
 * each other from a random start in it: random picks in ranges the test files shared let two
 * servers meet on one port (CI once failed so, a worker's health port taken).
 */
export const testPort = (): number =>
  PORTS_FROM + WORKER_BLOCK * PORT_BLOCK + (nextPort++ % PORT_BLOCK);

const PORTS_FROM = 10_000;
const PORT_BLOCK = 2_000;
/** 10 blocks, to 29999 (test/support/redis-cluster.ts takes 30000 up); workers count from 1 */
const WORKER_BLOCK = (Number(process.env.JEST_WORKER_ID ?? 1) - 1) % 10;
let nextPort = Math.floor(Math.random() * PORT_BLOCK);

export class PrivateRedis {
  private child?: ChildProcess;
  readonly url: string;

  constructor(readonly port = testPort()) {
    this.url = `redis://127.0.0.1:${port}`;
  }

  /** Starts an empty, non-persistent redis-server and resolves once it accepts connections. */
  start(): Promise<void> {
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    return new Promise((resolve, reject) => {
      let log = '';
      child.stdout!.on('data', (d: Buffer) => {
        log += d.toString();
        if (/Ready to accept connections/.test(log)) resolve();
      });
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${log}`)));
    });
  }

  /** Kills the server outright (no save): every key, queue and subscription is gone. */
  stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

/** The Debian PostgreSQL binaries (newest installed major version). */
function pgBin(tool: string): string {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
  return join('/usr/lib/postgresql', versions[0], 'bin', tool);
}

/**
 * A PostgreSQL cluster in a temporary folder, run as the `postgres` user (initdb refuses root),
 * on its own port and socket folder, with trust authentication for 127.0.0.1.
 */
export class PrivatePostgres {
  readonly dir: string;
  readonly server: string;

  constructor(readonly port = testPort()) {
    this.dir = mkdtempSync(join(tmpdir(), 'platewise-pg-'));
    this.server = `postgresql://postgres@127.0.0.1:${port}`;
  }

  private asPostgres(tool: string, args: string[]) {
    const command =
      process.getuid?.() === 0
        ? ['runuser', ['-u', 'postgres', '--', pgBin(tool), ...args]]
        : [pgBin(tool), args];
    return run(command[0] as string, command[1] as string[], { timeout: 60_000 });
  }

  async create(): Promise<void> {
    if (process.getuid?.() === 0)
      chownSync(this.dir, Number((await run('id', ['-u', 'postgres'])).stdout.trim()), 0);
    await this.asPostgres('initdb', [
      '-D',
      join(this.dir, 'data'),
      '-A',
      'trust',
      '-U',
      'postgres',
      '--no-sync',
      '-E',
      'UTF8',
    ]);
    await this.start();
  }

  start(): Promise<unknown> {
    const options = `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    return this.asPostgres('pg_ctl', [
      '-D',
      join(this.dir, 'data'),
      '-o',
      options,
      '-l',
      join(this.dir, 'log'),
      '-w',
      'start',
    ]);
  }

  /** `fast` disconnects every client and stops at once, as an operator's restart does. */
  stop(mode: 'fast' | 'immediate' = 'fast'): Promise<unknown> {
    return this.asPostgres('pg_ctl', ['-D', join(this.dir, 'data'), '-m', mode, '-w', 'stop']);
  }

  /** Ends every other connection to the cluster, as an administrator or a proxy may. */
  async terminateConnections(): Promise<number> {
    const client = new Client({ connectionString: `${this.server}/postgres` });
    await client.connect();
    try {
      const { rowCount } = await client.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid() AND backend_type = $1',
        ['client backend'],
      );
      return rowCount ?? 0;
    } finally {
      await client.end();
    }
  }

  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
