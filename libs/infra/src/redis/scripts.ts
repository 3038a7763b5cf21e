import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

/** The arguments of a Lua script: its keys (the connection adds its key prefix) and values. */
export interface ScriptCall {
  lua: string;
  keys: string[];
  args: (string | number | Buffer)[];
}

type WithScripts = Record<string, (...args: unknown[]) => Promise<unknown>>;
const defined = new WeakMap<object, Set<string>>();

/**
 * Runs a Lua script through ioredis's defineCommand (EVALSHA, EVAL only when Redis does not have
 * it yet), defined on the connection the first time it is used there. `buffer`: the reply's
 * strings as Buffers.
 */
export function runScript<T = unknown>(
  redis: Redis | Cluster,
  script: ScriptCall,
  buffer = false,
): Promise<T> {
  const name = `lua${createHash('sha1').update(script.lua).digest('hex').slice(0, 16)}`;
  let names = defined.get(redis);
  if (!names) defined.set(redis, (names = new Set()));
  if (!names.has(name)) {
    redis.defineCommand(name, { lua: script.lua });
    names.add(name);
  }
  const command = (redis as unknown as WithScripts)[buffer ? `${name}Buffer` : name];
  return command.call(redis, script.keys.length, ...script.keys, ...script.args) as Promise<T>;
}
