import { applyDecorators } from '@nestjs/common';
import { plainToInstance, Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  MinLength,
  ValidateBy,
  ValidateIf,
  validateSync,
} from 'class-validator';
import { parseAllowHosts } from '@platewise/safe-fetch';
import { clusterPrefixProblem, parseRedisUrl } from '../redis/connection';

const toNumber = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? Number(value) : value;

/** A FETCH_ALLOW_HOSTS value safe-fetch understands, so a typo stops start-up instead of allowing nothing. */
const IsAllowHostsList = () =>
  ValidateBy({
    name: 'isAllowHostsList',
    validator: {
      validate: (value: unknown) => {
        try {
          parseAllowHosts(value as string);
          return true;
        } catch {
          return false;
        }
      },
      defaultMessage: () =>
        'FETCH_ALLOW_HOSTS must list host names, IPs or CIDR ranges (optionally with :port), or *',
    },
  });

/** A REDIS_URL connectRedis understands (one server, Sentinel or Cluster). */
const IsRedisUrl = () =>
  ValidateBy({
    name: 'isRedisUrl',
    validator: {
      validate: (value: unknown) =>
        typeof value === 'string' && attempt(() => parseRedisUrl(value)) === null,
      defaultMessage: (args) => attempt(() => parseRedisUrl(String(args?.value))) ?? '',
    },
  });

/** On Redis Cluster, a REDIS_PREFIX with a hash tag, so that every key lands in one slot. */
const FitsRedisTopology = () =>
  ValidateBy({
    name: 'fitsRedisTopology',
    validator: {
      validate: (_value: unknown, args) => prefixProblem(args?.object as AppConfig) === null,
      defaultMessage: (args) => prefixProblem(args?.object as AppConfig) ?? '',
    },
  });

/** The message of what `parse` throws, or null when it does not. */
const attempt = (parse: () => unknown): string | null => {
  try {
    parse();
    return null;
  } catch (error) {
    return (error as Error).message;
  }
};

function prefixProblem(config: AppConfig): string | null {
  if (attempt(() => parseRedisUrl(config.REDIS_URL)) !== null) return null; // reported on REDIS_URL
  return parseRedisUrl(config.REDIS_URL).kind === 'cluster'
    ? clusterPrefixProblem(config.REDIS_PREFIX)
    : null;
}

/** A whole number read from the environment (where every value is a string). */
const IntSetting = (min: number, max = Number.MAX_SAFE_INTEGER) =>
  applyDecorators(Transform(toNumber), IsInt(), Min(min), Max(max));

/** Every setting the services read, validated once at start-up (see loadConfig). */
export class AppConfig {
  @IsString()
  @MinLength(1)
  DATABASE_URL = 'postgresql://postgres@127.0.0.1:5432/platewise';

  /** One server (redis://, rediss://), Sentinel (redis-sentinel://) or Cluster (redis-cluster://): see connectRedis. */
  @IsString()
  @IsRedisUrl()
  REDIS_URL = 'redis://127.0.0.1:6379';

  /** Prefix of every Redis key and queue, so several deployments (or test runs) can share one Redis. */
  @IsString()
  @FitsRedisTopology()
  REDIS_PREFIX = 'platewise:';

  @IntSetting(1, 65535)
  PORT = 8080;

  /**
   * Address the gateway listens on. Unset: all interfaces in cloud mode, loopback (127.0.0.1) in
   * onprem mode, where plates are read without a token; set 0.0.0.0 there to serve a network.
   */
  @IsOptional()
  @IsString()
  @MinLength(1)
  HOST?: string;

  /** Time a client has to send a request's headers; the connection is closed after it. */
  @IntSetting(100)
  HTTP_HEADERS_TIMEOUT_MS = 10_000;

  /** Time a client has to send a whole request body; 408 after it, and no quota slot was taken. */
  @IntSetting(100)
  HTTP_BODY_TIMEOUT_MS = 30_000;

  /**
   * How long an idle keep-alive connection stays open. Longer than the idle timeout of the load
   * balancers in front (60 s is common), so they, not the gateway, close idle connections: when
   * the gateway closes first, a request sent at that moment fails ('other side closed', a 502 at
   * the balancer). Node's default is 5 s.
   */
  @IntSetting(1_000)
  HTTP_KEEP_ALIVE_TIMEOUT_MS = 65_000;

  /** Bearer token of the operator API under /admin/; when unset every admin call is refused. */
  @IsOptional()
  @IsString()
  @MinLength(16, { message: 'ADMIN_TOKEN must be at least 16 characters long' })
  ADMIN_TOKEN?: string;

  /**
   * The address clients reach the service at, e.g. https://alpr.example.com. When it is https,
   * dashboard session cookies are marked Secure even if the TLS proxy in front is not trusted
   * (TRUST_PROXY), so they never travel over plain HTTP.
   */
  @IsOptional()
  @IsUrl(
    { protocols: ['http', 'https'], require_protocol: true, require_tld: false },
    { message: 'PUBLIC_URL must be an http or https URL, e.g. https://alpr.example.com' },
  )
  PUBLIC_URL?: string;

  /** Express "trust proxy" setting: how client addresses are read behind a load balancer. */
  @IsOptional()
  @IsString()
  TRUST_PROXY?: string;

  /**
   * `cloud` (default): every call needs an API key. `onprem`: behaves like Plate Recognizer's
   * on-premise SDK, where /v1/plate-reader/ and /info/ work without a token and count against the
   * account whose API key is PLATEWISE_LICENSE_KEY.
   */
  @IsIn(['cloud', 'onprem'])
  PLATEWISE_MODE: 'cloud' | 'onprem' = 'cloud';

  @ValidateIf((c: AppConfig) => c.PLATEWISE_MODE === 'onprem')
  @IsString({
    message: 'PLATEWISE_LICENSE_KEY (an API key of the owning account) is required in onprem mode',
  })
  PLATEWISE_LICENSE_KEY?: string;

  /** How long the gateway waits for a worker to finish a recognition job before answering 504. */
  @IntSetting(100)
  RECOGNITION_TIMEOUT_MS = 30_000;

  /** Hosts that upload_url and webhook targets may reach although internal (comma-separated names, IPs or CIDR; `*` = all). */
  @IsOptional()
  @IsString()
  @IsAllowHostsList()
  FETCH_ALLOW_HOSTS?: string;

  @IntSetting(100)
  FETCH_TIMEOUT_MS = 10_000;

  /** Delivery attempts per webhook event, with exponential backoff starting at WEBHOOK_BACKOFF_MS. */
  @IntSetting(1)
  WEBHOOK_ATTEMPTS = 5;

  @IntSetting(1)
  WEBHOOK_BACKOFF_MS = 5_000;

  /** Consecutive failed attempts after which a webhook is removed and its owner notified. */
  @IntSetting(1)
  WEBHOOK_MAX_FAILURES = 20;

  /** Webhook targets one account may have; every call is delivered to each of them. */
  @IntSetting(1)
  WEBHOOK_MAX_TARGETS = 10;

  /**
   * How long a gateway may keep a key's owner (KeyOwnerCache); changes empty the cache at once
   * regardless. 0 turns the cache off: needed where the database connection cannot LISTEN, such
   * as behind a transaction-pooling proxy.
   */
  @IntSetting(0)
  KEY_CACHE_TTL_MS = 60_000;

  /** Recognition jobs one worker process runs at once. */
  @IntSetting(1)
  WORKER_CONCURRENCY = 1;

  /**
   * Lock time of an active job, renewed every half of it while the worker lives; a job whose
   * worker died is taken over by another within about 1.5 times this, well inside
   * RECOGNITION_TIMEOUT_MS.
   */
  @IntSetting(1000)
  WORKER_LOCK_MS = 5_000;

  /** Port of a worker's health and metrics server (/health/live, /health/ready, /metrics); 0: none. */
  @IntSetting(0, 65535)
  WORKER_HTTP_PORT = 0;

  /**
   * On SIGTERM a gateway reports not ready and keeps serving this long (so load balancers stop
   * sending it calls), then stops taking calls and finishes the ones in flight.
   */
  @IntSetting(0)
  SHUTDOWN_DELAY_MS = 0;

  @IntSetting(1)
  ENGINE_THREADS = 2;

  /**
   * Longest one read may take in a worker's engine; past it the call fails on our side (503, not
   * counted) and the engine's thread is replaced. Below RECOGNITION_TIMEOUT_MS, so the caller
   * hears why rather than a 504.
   */
  @IntSetting(100)
  ENGINE_READ_TIMEOUT_MS = 20_000;

  /** Largest image (width × height) a worker decodes; see DEFAULT_MAX_PIXELS in libs/engine for what it costs. */
  @IntSetting(1)
  ENGINE_MAX_PIXELS = 40_000_000;

  @IsIn(['cpu', 'cuda'])
  ENGINE_DEVICE: 'cpu' | 'cuda' = 'cpu';

  @IsOptional()
  @IsString()
  PLATEWISE_MODELS_DIR?: string;

  /** The plate recogniser mode (engine default when unset: cct). */
  @IsOptional()
  @IsIn(['cct', 'gated', 'ensemble', 'ppocr', 'crnn'])
  ENGINE_RECOGNIZER?: 'cct' | 'gated' | 'ensemble' | 'ppocr' | 'crnn';

  /** `open`: anyone may create a trial account from the dashboard's sign-in page. `closed`: operators only. */
  @IsIn(['open', 'closed'])
  SIGNUP: 'open' | 'closed' = 'closed';

  /** Lifetime of a dashboard session from sign-in, in seconds (12 hours by default). */
  @IntSetting(60)
  SESSION_TTL_S = 43_200;

  @IsIn(['debug', 'log', 'warn', 'error'])
  LOG_LEVEL: 'debug' | 'log' | 'warn' | 'error' = 'log';
}

export class ConfigError extends Error {}

/** Reads and validates the environment; throws a ConfigError naming each bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const defined = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const config = plainToInstance(AppConfig, defined, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: false });
  if (errors.length > 0) {
    const lines = errors.map(
      (e) =>
        `  ${e.property}=${JSON.stringify(env[e.property])}: ${Object.values(e.constraints ?? {}).join('; ')}`,
    );
    throw new ConfigError(`Invalid configuration in the environment:\n${lines.join('\n')}`);
  }
  return config;
}
