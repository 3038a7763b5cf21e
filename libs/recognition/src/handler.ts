import { EngineConfig, EngineConfigError, ImageDecodeError } from '@platewise/engine/config';
import type { RedactOptions } from '@platewise/engine/config';
import type { EngineResult } from '@platewise/snapshot';
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
 * One recognition: image → engine → Snapshot envelope; or, for a call with `redact`, one
 * redaction: image → engine → the redaction's JSON form. The worker (over the Redis hand-over),
 * the CLI and the in-process transport all run this. A client error (undecodable image, bad
 * config) is an answer, not a failure: no retry. Anything else throws. What a call delivers
 * beyond its answer (webhooks, the read history) is the gateway's, once it counted the call.
 */
export class RecognitionHandler {
  constructor(private readonly engine: RecognitionEngine) {}

  async handle(call: RecognitionCall, image: Buffer): Promise<HandlerOutcome> {
    try {
      return call.redact
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
