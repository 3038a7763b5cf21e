import type { EngineConfig, RedactOptions } from '@platewise/engine/config';
import type { SnapshotResponse } from '@platewise/snapshot';
import type { RefusalReason } from './errors';

/** The recognition queue's name (its keys: transports/handover.ts; metrics label it so). */
export const RECOGNITION_QUEUE = 'recognition';

/**
 * Redis key (under REDIS_PREFIX) of a redaction's image on its way back. The worker writes the
 * bytes there, binary, and its reply names the key: a pub/sub message is held whole in the
 * subscriber's output buffer, which Redis cuts off past 32 MB by default, and a 40 MP photo's
 * redaction in base64 comes close to that. The gateway takes the key (GETDEL) as the reply
 * arrives; REDACTED_IMAGE_TTL_MS removes it when no gateway is left to take it.
 */
export const redactedImageKey = (jobId: string) => `redacted:${jobId}`;
export const REDACTED_IMAGE_TTL_MS = 60_000;

/** One validated call, as the handler needs it (the image travels on its own). */
export interface RecognitionCall {
  accountId: string;
  filename: string | null;
  /**
   * The caller's region codes the engine has templates for (regionHints), computed once when the
   * call was validated; the engine uses them as they are.
   */
  regions: string[];
  /** the engine configuration, validated and with every default filled in (readEngineConfig) */
  config: EngineConfig;
  mmc: boolean;
  camera_id: string | null;
  timestamp: string;
  /** the account's webhook targets, read with the API key */
  webhooks: { id: number; includeImage: boolean }[];
  /** present: a redaction (POST /v1/redact/), answered with a RedactionResponse, not a read */
  redact?: RedactOptions;
}

/** One area hidden by a redaction, in pixels of the returned image, with its detector's score. */
export interface HiddenAreaJson {
  box: { xmin: number; ymin: number; xmax: number; ymax: number };
  score: number;
}

/**
 * The JSON form of a redaction (POST /v1/redact/ with `Accept: application/json`, webhooks): the
 * redacted image in base64 and what was hidden. Its size is bounded by the engine's pixel limit.
 */
export interface RedactionResponse {
  processing_time: number;
  filename: string | null;
  camera_id: string | null;
  timestamp: string;
  content_type: 'image/jpeg' | 'image/png';
  width: number;
  height: number;
  /** the redacted image, base64 */
  image: string;
  plates: HiddenAreaJson[];
  faces: HiddenAreaJson[];
}

/** A client error found by the handler (undecodable image, bad config): answered, never retried. */
export interface RecognitionRefusal {
  refused: { reason: RefusalReason; detail: string };
}

/** A job that failed on our side with no attempt left: the caller is told to retry, uncounted. */
export interface RecognitionFailure {
  failed: string;
  /** `engine_timeout`: the image ran past the engine's time limit (it would again: not retried) */
  reason?: 'engine_timeout';
}

/** What the handler ends a call with. */
export type HandlerOutcome = SnapshotResponse | RedactionResponse | RecognitionRefusal;

export const isRedaction = (o: object): o is RedactionResponse => 'image' in o && 'plates' in o;

/**
 * What a worker publishes on the job's `replyTo` once it has the answer, or once the job failed
 * for good (QueuedJob, transports/handover.ts).
 */
export interface RecognitionReply {
  jobId: string;
  outcome: HandlerOutcome | RecognitionFailure;
  /** ms the worker spent on the job, from taking it to publishing this reply */
  workerMs: number;
  /** of which taking the job and its image apart */
  imageMs?: number;
  /**
   * A redaction's reply: the key (redactedImageKey) its image's bytes are in; the outcome's
   * `image` is empty until the gateway puts them back.
   */
  imageKey?: string;
}
