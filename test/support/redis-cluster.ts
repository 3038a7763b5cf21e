import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway Redis deployment of Debian's redis-server on private loopback ports. */
export interface LocalRedis {
  /** host:port of each node (cluster masters, or the sentinels) */
  nodes: string[];
  stop(): Promise<void>;
}

function startServer(args: string[], ready: RegExp): Promise<ChildProcess> {
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => reject(new Error(`redis-server did not start: ${log}`)), 15_000);
    child.stdout!.on('data', (d) => {
      log += d;
      if (ready.test(log)) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${log}`));
    });
  });
}

const stopAll = (children: ChildProcess[], dir: string) => async () => {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
  rmSync(dir, { recursive: true, force: true });
};

const base = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'];
/** A free-looking port block below Linux's range for outgoing connections (32768+, see services.ts). */
const randomPort = () => 30000 + Math.floor(Math.random() * 600) * 4;
/** Cluster bus ports default to port + 10000, inside that range; put them 10000 below instead. */
const busPort = (port: number) => port - 10000;

/** Tries a few port blocks: the machine is shared, and a random block may be partly taken. */
async function onFreePorts<T>(start: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (attempt === 5 || !/Address already in use/.test((error as Error).message)) throw error;
    }
  }
}

/** Three masters with every slot assigned (redis-cli --cluster create), once the cluster is ok. */
export const startRedisCluster = () => onFreePorts(startCluster);

/** One master and one sentinel watching it as `name`. */
export const startRedisSentinel = (name: string) => onFreePorts(() => startSentinel(name));

async function startCluster(): Promise<LocalRedis> {
  const dir = mkdtempSync(join(tmpdir(), 'platewise-cluster-'));
  const first = randomPort();
  const ports = [first, first + 1, first + 2];
  const children: ChildProcess[] = [];
  const stop = stopAll(children, dir);
  try {
    for (const port of ports) {
      const args = [
        '--port',
        String(port),
        ...base,
        '--dir',
        dir,
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        `nodes-${port}.conf`,
        '--cluster-port',
        String(busPort(port)),
      ];
      children.push(await startServer(args, /Ready to accept connections/));
    }
    const nodes = ports.map((p) => `127.0.0.1:${p}`);
    execFileSync(
      'redis-cli',
      ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'],
      { stdio: 'pipe' },
    );
    for (let i = 0; ; i++) {
      const states = ports.map((p) =>
        execFileSync('redis-cli', ['-p', String(p), 'cluster', 'info']).toString(),
      );
      if (states.every((s) => /cluster_state:ok/.test(s))) break;
      if (i > 100) throw new Error(`cluster did not become ok:\n${states.join('\n')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    return { nodes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function startSentinel(name: string): Promise<LocalRedis & { master: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'platewise-sentinel-'));
  const masterPort = randomPort();
  const sentinelPort = masterPort + 1;
  const children: ChildProcess[] = [];
  const stop = stopAll(children, dir);
  try {
    children.push(
      await startServer(
        ['--port', String(masterPort), ...base, '--dir', dir],
        /Ready to accept connections/,
      ),
    );
    const conf = join(dir, 'sentinel.conf');
    writeFileSync(
      conf,
      `port ${sentinelPort}\nbind 127.0.0.1\ndir ${dir}\nsentinel monitor ${name} 127.0.0.1 ${masterPort} 1\n`,
    );
    children.push(await startServer([conf, '--sentinel'], /Sentinel ID is|monitor master/));
    return { nodes: [`127.0.0.1:${sentinelPort}`], master: `127.0.0.1:${masterPort}`, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
