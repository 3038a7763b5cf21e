import Redis, { Cluster, type RedisOptions } from 'ioredis';

/**
 * Where Redis is, read from REDIS_URL:
 *  - `redis://[user:password@]host[:port][/db]` (`rediss://` for TLS): one server;
 *  - `redis-sentinel://[user:password@]sentinel[:port],…/<master name>[/db]`: the master that
 *    Sentinel names, followed across fail-overs (`?sentinelPassword=` when the sentinels need one);
 *  - `redis-cluster://[user:password@]node[:port],…`: a Redis Cluster, from any of its nodes.
 * `?tls=true` turns TLS on for the last two. Cluster needs a hash-tagged REDIS_PREFIX (see
 * clusterPrefixProblem): BullMQ's scripts touch several keys of a queue at once, which Redis
 * Cluster allows only for keys in one slot.
 */
export type RedisTarget =
  | { kind: 'server' | 'sentinel'; options: RedisOptions }
  | { kind: 'cluster'; nodes: { host: string; port: number }[]; options: RedisOptions };

export class RedisUrlError extends Error {}

const URL_SHAPE =
  /^(rediss?|redis-sentinel|redis-cluster):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?]+)(\/[^?]*)?(?:\?(.*))?$/;

function hosts(list: string, defaultPort: number): { host: string; port: number }[] {
  return list.split(',').map((entry) => {
    const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry.trim());
    if (!match) throw new RedisUrlError(`REDIS_URL: "${entry}" is not host[:port]`);
    return {
      host: match[1].replace(/^\[|\]$/g, ''),
      port: match[2] ? Number(match[2]) : defaultPort,
    };
  });
}

function database(path: string | undefined): number | undefined {
  if (!path || path === '/') return undefined;
  if (!/^\/\d+$/.test(path))
    throw new RedisUrlError(`REDIS_URL: "${path.slice(1)}" is not a database number`);
  return Number(path.slice(1));
}

export function parseRedisUrl(url: string): RedisTarget {
  const match = URL_SHAPE.exec(url);
  if (!match) {
    throw new RedisUrlError(
      'REDIS_URL must be redis://host:port, rediss://…, redis-sentinel://sentinels/master or redis-cluster://nodes',
    );
  }
  const [, scheme, username, password, hostList, path, query] = match;
  const params = new URLSearchParams(query ?? '');
  const credentials: RedisOptions = {
    username: username ? decodeURIComponent(username) : undefined,
    password: password ? decodeURIComponent(password) : undefined,
  };
  const tls = scheme === 'rediss' || params.get('tls') === 'true' ? { tls: {} } : {};
  if (scheme === 'redis-cluster') {
    if (path && path !== '/')
      throw new RedisUrlError('REDIS_URL: Redis Cluster has no databases; drop the path');
    return { kind: 'cluster', nodes: hosts(hostList, 6379), options: { ...credentials, ...tls } };
  }
  if (scheme === 'redis-sentinel') {
    const [, name, db] = /^\/([^/]+)(\/.*)?$/.exec(path ?? '') ?? [];
    if (!name)
      throw new RedisUrlError(
        'REDIS_URL: name the Sentinel master, redis-sentinel://host:26379/<master>',
      );
    const sentinelPassword = params.get('sentinelPassword') ?? undefined;
    return {
      kind: 'sentinel',
      options: {
        ...credentials,
        ...tls,
        sentinels: hosts(hostList, 26379),
        name: decodeURIComponent(name),
        db: database(db),
        sentinelPassword,
      },
    };
  }
  const [server, ...more] = hosts(hostList, 6379);
  if (more.length > 0)
    throw new RedisUrlError('REDIS_URL: several hosts need redis-sentinel:// or redis-cluster://');
  return { kind: 'server', options: { ...credentials, ...tls, ...server, db: database(path) } };
}

/**
 * Why REDIS_PREFIX cannot work on a Redis Cluster, or null when it can: every key must carry the
 * same hash tag (`{…}`, e.g. `{platewise}:`), so that a queue's keys, a call's image and the
 * quota counters a script reads together all hash to one slot.
 */
export function clusterPrefixProblem(prefix: string): string | null {
  const tag = /\{([^}]*)\}/.exec(prefix);
  if (tag && tag[1].length > 0) return null;
  return `REDIS_PREFIX must contain a hash tag on Redis Cluster, e.g. "{platewise}:" (got ${JSON.stringify(prefix)})`;
}

/** Options every connection of the apps may add: key prefix, retries, lazy connect. */
export type ConnectionOptions = Pick<
  RedisOptions,
  'keyPrefix' | 'maxRetriesPerRequest' | 'lazyConnect' | 'enableOfflineQueue'
>;

/**
 * A connection to REDIS_URL: a Redis client, or a Cluster client with the same commands. It says
 * when it loses Redis and when it has it back, once each: without a listener ioredis prints every
 * failed reconnection with a stack, several a second for as long as Redis is away.
 */
export function connectRedis(url: string, options: ConnectionOptions = {}): Redis | Cluster {
  const target = parseRedisUrl(url);
  if (target.kind !== 'cluster') return reportOutages(new Redis({ ...target.options, ...options }));
  const { keyPrefix, lazyConnect, enableOfflineQueue, ...perNode } = options;
  return reportOutages(
    new Cluster(target.nodes, {
      keyPrefix,
      lazyConnect,
      enableOfflineQueue,
      redisOptions: { ...target.options, ...perNode },
    }),
  );
}

function reportOutages<T extends Redis | Cluster>(client: T, log = console): T {
  let lostAt: number | null = null;
  let failures = 0;
  client.on('error', (error: Error) => {
    failures++;
    if (lostAt !== null) return;
    lostAt = Date.now();
    log.warn(`redis: ${error.message}; reconnecting`);
  });
  client.on('ready', () => {
    if (lostAt === null) return;
    log.warn(
      `redis: connected again after ${Date.now() - lostAt} ms (${failures} failed attempts)`,
    );
    lostAt = null;
    failures = 0;
  });
  return client;
}
