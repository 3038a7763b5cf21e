import { EngineConfig, EngineConfigError, ImageDecodeError } from '@platewise/engine/config';
import type { EngineResult, SnapshotResponse } from '@platewise/snapshot';
import type { HandlerOutcome, RecognitionCall } from './contract';
import { snapshotEnvelope } from './envelope';

/** The part of the engine the handler uses (createEngine's Engine). */
export interface RecognitionEngine {
  read(
    image: Buffer,
    options: { hints: string[]; config: EngineConfig; mmc: boolean },
  ): Promise<EngineResult>;
}

/** Where the handler sends one webhook delivery per target (a queue in the worker; none in the CLI). */
export interface WebhookSink {
  enqueue(call: RecognitionCall, image: Buffer, response: SnapshotResponse): Promise<void>;
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
 * One recognition: image → engine → Snapshot envelope → webhook jobs. The worker (over BullMQ),
 * the CLI and the in-process transport all run this. A client error (undecodable image, bad
 * config) is an answer, not a failure: no retry, no webhook. Anything else throws.
 */
export class RecognitionHandler {
  constructor(
    private readonly engine: RecognitionEngine,
    private readonly webhooks?: WebhookSink,
  ) {}

  async handle(call: RecognitionCall, image: Buffer): Promise<HandlerOutcome> {
    let result;
    try {
      result = await this.engine.read(image, {
        hints: call.regions,
        config: call.config,
        mmc: call.mmc,
      });
    } catch (error) {
      const refusal = refusalOf(error);
      if (refusal) return refusal;
      throw error;
    }
    const response = snapshotEnvelope(result, call);
    if (call.webhooks.length > 0 && this.webhooks)
      await this.webhooks.enqueue(call, image, response);
    return response;
  }
}
