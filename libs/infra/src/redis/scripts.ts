import { createHash } from 'node:crypto';
import type { ChainableCommander, Cluster, Redis } from 'ioredis';

/**
 * A Lua script and its arguments: its keys (the connection adds its key prefix) and values.
 * `before`: commands sent ahead of it in one MULTI/EXEC, so nothing runs between them and the
 * script (a large value goes there: a Lua argument is copied into Lua and out again, which costs
 * Redis about 0.3 ms per 200 kB where a plain command keeps the bytes as read).
 */
export interface ScriptCall {
  lua: string;
  keys: string[];
  args: (string | number | Buffer)[];
  before?: (transaction: ChainableCommander) => unknown;
}

type WithScripts = Record<string, (...args: unknown[]) => unknown>;
/** the command names defined on each connection, and each script's name (Lua → name) */
const defined = new WeakMap<object, Set<string>>();
const names = new Map<string, string>();

/**
 * Runs a Lua script through ioredis's defineCommand (EVALSHA, EVAL only the first time on a
 * connection), defined on the connection the first time it is used there; returns its reply.
 * `buffer`: the reply's strings as Buffers.
 */
export async function runScript<T = unknown>(
  redis: Redis | Cluster,
  script: ScriptCall,
  buffer = false,
): Promise<T> {
  let name = names.get(script.lua);
  if (!name)
    names.set(
      script.lua,
      (name = `lua${createHash('sha1').update(script.lua).digest('hex').slice(0, 16)}`),
    );
  let commands = defined.get(redis);
  if (!commands) defined.set(redis, (commands = new Set()));
  if (!commands.has(name)) {
    redis.defineCommand(name, { lua: script.lua });
    commands.add(name);
  }
  const method = buffer ? `${name}Buffer` : name;
  const args = [script.keys.length, ...script.keys, ...script.args];
  if (!script.before) return (redis as unknown as WithScripts)[method].call(redis, ...args) as T;
  const transaction = redis.multi();
  script.before(transaction);
  (transaction as unknown as WithScripts)[method].call(transaction, ...args);
  const results = await transaction.exec();
  if (!results) throw new Error('the Redis transaction was aborted');
  for (const [error] of results) if (error) throw error;
  return results[results.length - 1][1] as T;
}
