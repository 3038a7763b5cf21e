import type { ReserveStep } from '@platewise/domain';
import { runScript, type ScriptCall } from '@platewise/infra';
import type Redis from 'ioredis';
import type { RecognitionCall } from '../contract';

/**
 * The recognition queue: how a call reaches a worker without BullMQ on its way. All keys are under
 * REDIS_PREFIX (the connections add it; on Redis Cluster its hash tag puts them in the quota
 * keys' slot, so one script may take a quota slot and queue the job):
 *
 *  - `recognition:wait`: a LIST of jobs, each ONE element holding the job and its image
 *    (encodeJob). Gateways LPUSH, workers take the oldest with one BLMOVE. KEDA reads its LLEN.
 *  - `recognition:paused`: where jobs go instead while the queue is held (`meta` field `paused`).
 *  - `recognition:active:<worker>:<slot>`: a worker's job in progress, one list per slot of its
 *    concurrency, so a job's end is a DEL and a dead worker's jobs can be found.
 *  - `recognition:workers`: HASH worker → concurrency; `recognition:lock:<worker>`: expires
 *    WORKER_LOCK_MS after the worker last renewed it. A live worker moves the jobs of a worker
 *    whose lock is gone back to `wait` (at most MAX_STALLS times a job, then it fails).
 *  - `recognition:tries`: HASH jobId → failed attempts, `<jobId>:stalled` → take-overs.
 *
 * A job is answered on its gateway's reply channel (`replyTo`), as before.
 */
export const QUEUE_KEYS = {
  wait: 'recognition:wait',
  paused: 'recognition:paused',
  meta: 'recognition:meta',
  tries: 'recognition:tries',
  workers: 'recognition:workers',
  lock: (worker: string) => `recognition:lock:${worker}`,
  active: (worker: string, slot: number) => `recognition:active:${worker}:${slot}`,
};

/** Attempts a job gets when the handler fails on our side (BullMQ's `attempts: 2` before). */
export const ATTEMPTS = 2;
/** Times a job may lose its worker and be taken over before it fails. */
export const MAX_STALLS = 2;

/** What travels in the list element besides the image. `id` comes first: scripts match on it. */
export interface QueuedJob {
  id: string;
  /** pub/sub channel of the gateway waiting for this job: the answer goes there directly */
  replyTo: string;
  /** ms since the epoch (the gateway's clock) after which nobody waits for the answer */
  deadline: number;
  call: RecognitionCall;
}

/** One list element: the job's JSON (no raw newline in it), a newline, the image's bytes. */
export function encodeJob(job: QueuedJob, image: Buffer): Buffer {
  const head = JSON.stringify({
    id: job.id,
    replyTo: job.replyTo,
    deadline: job.deadline,
    call: job.call,
  });
  return Buffer.concat([Buffer.from(`${head}\n`), image]);
}

export function decodeJob(element: Buffer): { job: QueuedJob; image: Buffer } {
  const end = element.indexOf(10);
  if (end < 0) throw new Error('a queue element without its job');
  return {
    job: JSON.parse(element.toString('utf8', 0, end)) as QueuedJob,
    image: element.subarray(end + 1),
  };
}

/**
 * Queues one element: LPUSHed ahead of the script in one MULTI/EXEC (its bytes never pass through
 * Lua), moved to `paused` by the script while the queue is held. Run inside the quota's script when
 * the call takes its slot with it: `undo` takes the element back when the slot is refused, before
 * any worker can see it (a blocked BLMOVE is served only after EXEC).
 */
export const handOverStep = (element: Buffer): ReserveStep => ({
  before: (transaction) => transaction.lpush(QUEUE_KEYS.wait, element),
  lua: `
if redis.call('HEXISTS', KEYS[3], 'paused') == 1 then
  redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'LEFT')
end
return 1`,
  undo: `redis.call('LTRIM', KEYS[1], 1, -1)`,
  keys: [QUEUE_KEYS.wait, QUEUE_KEYS.paused, QUEUE_KEYS.meta],
  args: [],
});

/** The gateway stopped waiting: the job is taken out unless a worker has it (plain commands). */
export const cancelJob = (redis: Redis, element: Buffer, jobId: string) =>
  redis
    .multi()
    .lrem(QUEUE_KEYS.wait, 1, element)
    .lrem(QUEUE_KEYS.paused, 1, element)
    .hdel(QUEUE_KEYS.tries, jobId, `${jobId}:stalled`)
    .exec();

// The key of `recognition:…` from that of `recognition:workers` (the connection's prefix included).
const BASE = `local base = string.sub(KEYS[1], 1, #KEYS[1] - #'workers')`;

/** A worker is alive: its lock renewed, itself listed with its concurrency. */
export const beatStep = (worker: string, concurrency: number, lockMs: number): ScriptCall => ({
  lua: `
redis.call('SET', KEYS[2], ARGV[1], 'PX', ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`,
  keys: [QUEUE_KEYS.workers, QUEUE_KEYS.lock(worker)],
  args: [worker, concurrency, lockMs],
});

/** A worker leaves; listed still (for a take-over) if a job is left in one of its slots. */
export const leaveStep = (worker: string): ScriptCall => ({
  lua: `
${BASE}
redis.call('DEL', KEYS[2])
local n = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
for s = 0, n - 1 do
  if redis.call('LLEN', base .. 'active:' .. ARGV[1] .. ':' .. s) > 0 then return 0 end
end
redis.call('HDEL', KEYS[1], ARGV[1])
return 1`,
  keys: [QUEUE_KEYS.workers, QUEUE_KEYS.lock(worker)],
  args: [worker],
});

/**
 * A job answered (or failed for good): its slot emptied, its counts dropped, the reply published,
 * and a redaction's image stored first under its key, all in one write.
 */
export const doneStep = (
  worker: string,
  slot: number,
  jobId: string,
  channel: string,
  reply: string,
  image?: { key: string; bytes: Buffer; ttlMs: number },
): ScriptCall => ({
  lua: `
redis.call('DEL', KEYS[1])
redis.call('HDEL', KEYS[2], ARGV[1], ARGV[1] .. ':stalled')
if KEYS[3] then redis.call('SET', KEYS[3], ARGV[4], 'PX', ARGV[5]) end
return redis.call('PUBLISH', ARGV[2], ARGV[3])`,
  keys: [QUEUE_KEYS.active(worker, slot), QUEUE_KEYS.tries, ...(image ? [image.key] : [])],
  args: [jobId, channel, reply, ...(image ? [image.bytes, image.ttlMs] : [])],
});

/**
 * An attempt failed. With an attempt left (and `final` not set) the job goes back to the front of
 * the line (0); otherwise the failure is published and the job dropped (1).
 */
export const failStep = (
  worker: string,
  slot: number,
  jobId: string,
  final: boolean,
  channel: string,
  reply: string,
): ScriptCall => ({
  lua: `
local n = redis.call('HINCRBY', KEYS[5], ARGV[1], 1)
if ARGV[3] ~= '1' and n < tonumber(ARGV[2]) and redis.call('LLEN', KEYS[1]) > 0 then
  local target = KEYS[2]
  if redis.call('HEXISTS', KEYS[4], 'paused') == 1 then target = KEYS[3] end
  redis.call('LMOVE', KEYS[1], target, 'RIGHT', 'RIGHT')
  redis.call('DEL', KEYS[1])
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('HDEL', KEYS[5], ARGV[1], ARGV[1] .. ':stalled')
redis.call('PUBLISH', ARGV[4], ARGV[5])
return 1`,
  keys: [
    QUEUE_KEYS.active(worker, slot),
    QUEUE_KEYS.wait,
    QUEUE_KEYS.paused,
    QUEUE_KEYS.meta,
    QUEUE_KEYS.tries,
  ],
  args: [jobId, ATTEMPTS, final ? '1' : '0', channel, reply],
});

/**
 * Takes over the jobs of every worker whose lock is gone: back to the front of the line, or, past
 * MAX_STALLS take-overs, a failure published to its gateway. Returns {moved back, failed}.
 */
export const STALLED_FAILURE = 'job stalled more than allowable limit';
export const recoverStep = (): ScriptCall => ({
  lua: `
${BASE}
local target = KEYS[2]
if redis.call('HEXISTS', KEYS[4], 'paused') == 1 then target = KEYS[3] end
local list = redis.call('HGETALL', KEYS[1])
local moved, failed = 0, 0
for i = 1, #list, 2 do
  local id, n = list[i], tonumber(list[i + 1])
  if redis.call('EXISTS', base .. 'lock:' .. id) == 0 then
    for s = 0, n - 1 do
      local slot = base .. 'active:' .. id .. ':' .. s
      while redis.call('LLEN', slot) > 0 do
        local el = redis.call('LINDEX', slot, -1)
        local job = cjson.decode(string.sub(el, 1, string.find(el, '\\n', 1, true) - 1))
        if redis.call('HINCRBY', KEYS[5], job.id .. ':stalled', 1) > tonumber(ARGV[1]) then
          redis.call('RPOP', slot)
          redis.call('HDEL', KEYS[5], job.id, job.id .. ':stalled')
          redis.call('PUBLISH', job.replyTo, cjson.encode({jobId = job.id, workerMs = 0,
            outcome = {failed = ARGV[2]}}))
          failed = failed + 1
        else
          redis.call('LMOVE', slot, target, 'RIGHT', 'RIGHT')
          moved = moved + 1
        end
      end
    end
    redis.call('HDEL', KEYS[1], id)
  end
end
return {moved, failed}`,
  keys: [QUEUE_KEYS.workers, QUEUE_KEYS.wait, QUEUE_KEYS.paused, QUEUE_KEYS.meta, QUEUE_KEYS.tries],
  args: [MAX_STALLS, STALLED_FAILURE],
});

const COUNTS = `
${BASE}
local active = 0
local list = redis.call('HGETALL', KEYS[1])
for i = 1, #list, 2 do
  for s = 0, tonumber(list[i + 1]) - 1 do
    active = active + redis.call('LLEN', base .. 'active:' .. list[i] .. ':' .. s)
  end
end
return {redis.call('LLEN', KEYS[2]), redis.call('LLEN', KEYS[3]), active}`;

const HOLD = (from: string, to: string, flag: string) => `
${flag}
while redis.call('LMOVE', ${from}, ${to}, 'LEFT', 'RIGHT') do end
return 1`;

/**
 * The queue as a whole, on a connection with REDIS_PREFIX as its key prefix: job counts (metrics),
 * holding and releasing it (jobs queued meanwhile wait in `paused`; the ones in progress finish),
 * and what tests need to look into it.
 */
export class RecognitionQueue {
  constructor(private readonly redis: Redis) {}

  /** Jobs waiting to be taken (`waiting`, held ones apart as `paused`) and in progress. */
  async counts(): Promise<{ waiting: number; paused: number; active: number }> {
    const [waiting, paused, active] = await runScript<number[]>(this.redis, {
      lua: COUNTS,
      keys: [QUEUE_KEYS.workers, QUEUE_KEYS.wait, QUEUE_KEYS.paused],
      args: [],
    });
    return { waiting, paused, active };
  }

  /** Holds the queue: jobs queued from now on, and those waiting, wait in `paused`. */
  async pause(): Promise<void> {
    await runScript(this.redis, {
      lua: HOLD('KEYS[2]', 'KEYS[3]', `redis.call('HSET', KEYS[1], 'paused', 1)`),
      keys: [QUEUE_KEYS.meta, QUEUE_KEYS.wait, QUEUE_KEYS.paused],
      args: [],
    });
  }

  /** Lets the held jobs go to the workers, oldest first. */
  async resume(): Promise<void> {
    await runScript(this.redis, {
      lua: HOLD('KEYS[3]', 'KEYS[2]', `redis.call('HDEL', KEYS[1], 'paused')`),
      keys: [QUEUE_KEYS.meta, QUEUE_KEYS.wait, QUEUE_KEYS.paused],
      args: [],
    });
  }

  /** Ids of the jobs in progress (reads every element: for tests and tools, not a hot path). */
  async activeJobs(): Promise<string[]> {
    const workers = await this.redis.hgetall(QUEUE_KEYS.workers);
    const ids: string[] = [];
    for (const [worker, n] of Object.entries(workers))
      for (let s = 0; s < Number(n); s++)
        for (const element of await this.redis.lrangeBuffer(QUEUE_KEYS.active(worker, s), 0, -1))
          ids.push(decodeJob(element).job.id);
    return ids;
  }

  /** Whether a job is still queued or in progress (reads every element; for tests). */
  async has(jobId: string): Promise<boolean> {
    if ((await this.activeJobs()).includes(jobId)) return true;
    for (const key of [QUEUE_KEYS.wait, QUEUE_KEYS.paused])
      for (const element of await this.redis.lrangeBuffer(key, 0, -1))
        if (decodeJob(element).job.id === jobId) return true;
    return false;
  }

  /** Deletes every job and the queue's state (tests). */
  async obliterate(): Promise<void> {
    const workers = await this.redis.hgetall(QUEUE_KEYS.workers);
    const keys = [QUEUE_KEYS.wait, QUEUE_KEYS.paused, QUEUE_KEYS.meta, QUEUE_KEYS.tries];
    for (const [worker, n] of Object.entries(workers)) {
      keys.push(QUEUE_KEYS.lock(worker));
      for (let s = 0; s < Number(n); s++) keys.push(QUEUE_KEYS.active(worker, s));
    }
    await this.redis.del(...keys, QUEUE_KEYS.workers);
  }
}
