import { EngineConfig, EngineConfigError, ImageDecodeError } from '@platewise/engine/config';
import type { RedactOptions } from '@platewise/engine/config';
import type { EngineResult, SnapshotResponse } from '@platewise/snapshot';
import type { HandlerOutcome, RecognitionCall, RedactionResponse } from './contract';
import { snapshotEnvelope } from './envelope';

/** The part of the engine the handler uses (createEngine's Engine). */
export interface RecognitionEngine {
  read(
    image: Buffer,
    options: { hints: string[]; config: EngineConfig; mmc: boolean },
  ): Promise<EngineResult>;
  /** createEngine's Engine.redact: the same photo with plates and faces hidden (tests may omit it) */
  redact?(
    image: Buffer,
    options: { config: unknown; redact: RedactOptions },
  ): Promise<{
    processing_time: number;
    image: Buffer;
    content_type: 'image/jpeg' | 'image/png';
    width: number;
    height: number;
    plates: RedactionResponse['plates'];
    faces: RedactionResponse['faces'];
  }>;
}

/**
 * Where the handler hands each answer for the read history and watchlists (the worker's batching
 * recorder; none in the CLI). It must return at once and never throw: the caller is waiting.
 */
export interface ReadSink {
  record(call: RecognitionCall, response: SnapshotResponse): void;
}

/** Where the handler sends one webhook delivery per target (a queue in the worker; none in the CLI). */
export interface WebhookSink {
  enqueue(
    call: RecognitionCall,
    image: Buffer,
    response: SnapshotResponse | RedactionResponse,
  ): Promise<void>;
}

const DECODE_REFUSALS = {
  unsupported: 'unsupported_image',
  corrupt: 'undecodable_image',
  'too-large': 'too_large',
} as const;

/** Engine errors that are the caller's, as refusals. */
function refusalOf(error: unknown): HandlerOutcome | null {
  if (error instanceof ImageDecodeError)
    return { refused: { reason: DECODE_REFUSALS[error.reason], detail: error.message } };
  if (error instanceof EngineConfigError)
    return { refused: { reason: 'invalid_request', detail: error.message } };
  return null;
}

/**
 * One recognition: image → engine → Snapshot envelope → webhook jobs; or, for a call with
 * `redact`, one redaction: image → engine → the redaction's JSON form → webhook jobs. The worker (over the Redis hand-over),
 * the CLI and the in-process transport all run this. A client error (undecodable image, bad
 * config) is an answer, not a failure: no retry, no webhook. Anything else throws.
 */
export class RecognitionHandler {
  constructor(
    private readonly engine: RecognitionEngine,
    private readonly webhooks?: WebhookSink,
    private readonly reads?: ReadSink,
  ) {}

  async handle(call: RecognitionCall, image: Buffer): Promise<HandlerOutcome> {
    let response: SnapshotResponse | RedactionResponse;
    try {
      response = call.redact
        ? await this.redact(call, call.redact, image)
        : snapshotEnvelope(
            await this.engine.read(image, {
              hints: call.regions,
              config: call.config,
              mmc: call.mmc,
            }),
            call,
          );
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal) return refusal;
      throw error;
    }
    // Redactions hide plates rather than read them: only plate reads go into the history.
    if (!call.redact) this.reads?.record(call, response as SnapshotResponse);
    if (call.webhooks.length > 0 && this.webhooks)
      await this.webhooks.enqueue(call, image, response);
    return response;
  }

  private async redact(
    call: RecognitionCall,
    redact: RedactOptions,
    image: Buffer,
  ): Promise<RedactionResponse> {
    if (!this.engine.redact) throw new Error('this engine does not redact');
    const r = await this.engine.redact(image, { config: call.config, redact });
    return {
      processing_time: r.processing_time,
      filename: call.filename,
      camera_id: call.camera_id,
      timestamp: call.timestamp,
      content_type: r.content_type,
      width: r.width,
      height: r.height,
      image: r.image.toString('base64'),
      plates: r.plates,
      faces: r.faces,
    };
  }
}
