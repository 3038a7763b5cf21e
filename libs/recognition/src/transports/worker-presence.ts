import type Redis from 'ioredis';

/**
 * Which recognition workers are alive, so a gateway can answer 503 at once when none is, rather
 * than queue a job nobody will take and wait out its timeout. Each worker writes its id into a
 * sorted set every second, scored by Redis's own clock (so machines' clocks need not agree); a
 * worker that has not written for `windowMs` (its job lock time: its jobs are being taken over
 * by then) counts as gone.
 */
const KEY = 'workers:recognition';
const BEAT_MS = 1_000;

// Scores are Redis server time in ms; entries older than a minute are dropped as they go.
const BEAT = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 60000)
redis.call('PEXPIRE', KEYS[1], 60000)
return now`;

const COUNT = `
local t = redis.call('TIME')
local now = t[1] * 1000 + math.floor(t[2] / 1000)
return redis.call('ZCOUNT', KEYS[1], now - tonumber(ARGV[1]), '+inf')`;

/** A worker's side: says it is alive every second until stopped. */
export class WorkerHeartbeat {
  private timer?: NodeJS.Timeout;

  constructor(
    /** a connection with REDIS_PREFIX as its key prefix */
    private readonly redis: Redis,
    private readonly id: string,
  ) {}

  start(): void {
    const beat = () => void this.redis.eval(BEAT, 1, KEY, this.id).catch(() => undefined);
    beat();
    this.timer = setInterval(beat, BEAT_MS);
    this.timer.unref();
  }

  /** Leaves the set at once, so gateways need not wait for the window to pass. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.redis.zrem(KEY, this.id).catch(() => undefined);
  }
}

/** A gateway's side: whether any worker is alive, checked every second. */
export class WorkerPresence {
  /** null until the first check answered, and while Redis does not answer: nothing is known then */
  private alive: boolean | null = null;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly redis: Redis,
    private readonly windowMs: number,
    /** called on each check that finds no worker */
    private readonly onNone: () => void = () => undefined,
  ) {}

  start(): void {
    void this.check();
    this.timer = setInterval(
      () => void this.check().then((alive) => alive === false && this.onNone()),
      BEAT_MS,
    );
    this.timer.unref();
  }

  private async check(): Promise<boolean | null> {
    try {
      this.alive = Number(await this.redis.eval(COUNT, 1, KEY, this.windowMs)) > 0;
    } catch {
      this.alive = null;
    }
    return this.alive;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /**
   * True only when Redis answered that no worker is alive, asked again now when the last check
   * found none, so a worker that has just started is used at once.
   */
  async noWorker(): Promise<boolean> {
    return this.alive === false && (await this.check()) === false;
  }
}
