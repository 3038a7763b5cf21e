import type { QueueOptions } from 'bullmq';
import type { RedisOptions } from 'ioredis';
import { AppConfig } from '../config/app-config';

/** Recognition jobs: gateway → worker; the gateway waits for the result. */
export const RECOGNITION_QUEUE = 'recognition';
/** Webhook deliveries: worker → target URLs, retried with backoff. */
export const WEBHOOK_QUEUE = 'webhooks';

/**
 * Redis key (under REDIS_PREFIX) of a recognition job's image. The bytes travel beside the job,
 * binary, rather than as base64 inside its JSON. The worker that answers deletes the key with its
 * answer, the gateway deletes it when a call ends without one, and it expires on its own as a
 * safety net, so images never linger in Redis.
 */
export const recognitionImageKey = (id: string) => `image:${id}`;

export interface RecognitionJob {
  accountId: string;
  /** where the image bytes are (see recognitionImageKey) */
  imageKey: string;
  filename: string | null;
  regions: string[];
  config: Record<string, unknown>;
  mmc: boolean;
  camera_id: string | null;
  timestamp: string;
  /** the account's webhook targets, read with the API key, so the worker needs no query */
  webhooks: { id: number; includeImage: boolean }[];
  /** pub/sub channel of the gateway waiting for this job: the answer goes there directly */
  replyTo: string;
}

/**
 * What a worker publishes on `replyTo` once it has the answer, or once the job failed for good.
 * The gateway reads nothing else: BullMQ's event stream would wake it several times per call.
 */
export interface RecognitionReply {
  jobId: string;
  outcome: Record<string, unknown> | RecognitionRefusal | RecognitionFailure;
  /** ms the worker spent on the job, from taking it to publishing this reply */
  workerMs: number;
}

/** A client error found by the worker (undecodable image, bad config): answered, never retried. */
export interface RecognitionRefusal {
  refused: { status: 400 | 413 | 415; detail: string };
}

/** A job that failed on our side with no attempt left: the caller gets a 503, uncounted. */
export interface RecognitionFailure {
  failed: string;
}

export interface WebhookJob {
  webhookId: number;
  event: 'image.done';
  data: Record<string, unknown>;
  /** base64 image, for hooks that include it */
  image?: string;
  filename?: string | null;
}

/** BullMQ settings shared by producers and consumers: same Redis, same key prefix. */
export function queueOptions(config: AppConfig): QueueOptions & { connection: RedisOptions } {
  const url = new URL(config.REDIS_URL);
  return {
    prefix: `${config.REDIS_PREFIX}bull`,
    connection: {
      host: url.hostname,
      port: Number(url.port || 6379),
      username: url.username || undefined,
      password: url.password ? decodeURIComponent(url.password) : undefined,
      db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : undefined,
      // BullMQ's blocking commands need unlimited retries.
      maxRetriesPerRequest: null,
    },
  };
}
