import { loadConfig } from '../config/app-config';
import { clusterPrefixProblem, parseRedisUrl, RedisUrlError } from './connection';

describe('parseRedisUrl', () => {
  it('reads one server, with credentials, database and TLS', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6380')).toEqual({
      kind: 'server',
      options: {
        host: '127.0.0.1',
        port: 6380,
        username: undefined,
        password: undefined,
        db: undefined,
      },
    });
    expect(parseRedisUrl('rediss://app:s%40cret@redis.example.com/2')).toEqual({
      kind: 'server',
      options: {
        host: 'redis.example.com',
        port: 6379,
        username: 'app',
        password: 's@cret',
        db: 2,
        tls: {},
      },
    });
    expect(parseRedisUrl('redis://:pw@[::1]:7000').options).toMatchObject({
      host: '::1',
      port: 7000,
      password: 'pw',
    });
  });

  it("reads Sentinel: the sentinels, the master name, its password and the sentinels' own", () => {
    expect(
      parseRedisUrl('redis-sentinel://:pw@s1:26379,s2/mymaster/1?sentinelPassword=sp&tls=true'),
    ).toEqual({
      kind: 'sentinel',
      options: {
        username: undefined,
        password: 'pw',
        tls: {},
        sentinels: [
          { host: 's1', port: 26379 },
          { host: 's2', port: 26379 },
        ],
        name: 'mymaster',
        db: 1,
        sentinelPassword: 'sp',
      },
    });
  });

  it('reads Redis Cluster seed nodes', () => {
    expect(parseRedisUrl('redis-cluster://a:7000,b:7001,c')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'a', port: 7000 },
        { host: 'b', port: 7001 },
        { host: 'c', port: 6379 },
      ],
      options: { username: undefined, password: undefined },
    });
  });

  it.each([
    ['http://redis:6379', /must be redis:\/\//],
    ['redis://a:1,b:2', /several hosts/],
    ['redis://redis/zero', /not a database number/],
    ['redis-sentinel://s1:26379', /name the Sentinel master/],
    ['redis-cluster://a:7000/1', /no databases/],
    ['redis-cluster://a:x', /not host\[:port\]/],
  ])('refuses %s, saying why', (url, message) => {
    expect(() => parseRedisUrl(url)).toThrow(RedisUrlError);
    expect(() => parseRedisUrl(url)).toThrow(message);
  });
});

describe('clusterPrefixProblem', () => {
  it('accepts a prefix with a non-empty hash tag and explains any other', () => {
    expect(clusterPrefixProblem('{platewise}:')).toBeNull();
    expect(clusterPrefixProblem('prod:{platewise}:')).toBeNull();
    expect(clusterPrefixProblem('platewise:')).toMatch(/hash tag.*\{platewise\}:/);
    expect(clusterPrefixProblem('{}:')).toMatch(/hash tag/);
  });
});

describe('the settings', () => {
  it('refuse a REDIS_URL that cannot be read, and a Cluster prefix without a hash tag', () => {
    expect(() => loadConfig({ REDIS_URL: 'redis://a:1,b:2' })).toThrow(/REDIS_URL=.*several hosts/);
    expect(() =>
      loadConfig({ REDIS_URL: 'redis-cluster://a:7000', REDIS_PREFIX: 'platewise:' }),
    ).toThrow(/REDIS_PREFIX=.*hash tag/);
    expect(
      loadConfig({ REDIS_URL: 'redis-cluster://a:7000', REDIS_PREFIX: '{platewise}:' })
        .REDIS_PREFIX,
    ).toBe('{platewise}:');
    expect(
      loadConfig({ REDIS_URL: 'redis-sentinel://s:26379/main', REDIS_PREFIX: 'platewise:' })
        .REDIS_URL,
    ).toMatch(/sentinel/);
  });
});
