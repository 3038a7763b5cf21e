import type { SnapshotResponse } from '@platewise/snapshot';
import { isRedaction, RecognitionCall, RedactionResponse } from './contract';
import {
  RETRY_SECONDS,
  RecognitionRefusedError,
  RecognitionUnavailableError,
  RefusalReason,
  UnavailableReason,
} from './errors';
import type { RecognitionTransport, TakeSlot } from './transports/transport';

/**
 * Where a served call's time went, in ms. queue: the hand-over both ways (enqueue, pick-up,
 * reply), of which enqueueMs until the job was in Redis; worker: the worker's own work around the
 * engine, of which imageMs reading the image from Redis; engine: processing_time.
 */
export interface CallTiming {
  queueMs: number;
  enqueueMs?: number;
  workerMs: number;
  imageMs?: number;
  engineMs: number;
}

/** How one call ended, with where its time went when it was served. */
export type CallOutcome<R> =
  | {
      kind: 'served';
      response: R;
      timing: CallTiming;
    }
  | { kind: 'refused'; reason: RefusalReason; detail: string }
  | { kind: 'unavailable'; reason: UnavailableReason; detail: string };

export type RecognitionOutcome = CallOutcome<SnapshotResponse>;
export type RedactionOutcome = CallOutcome<RedactionResponse>;

/** A synchronous recognition call over a transport: submit, wait, and say how it ended. */
export class RecognitionClient {
  constructor(private readonly transport: RecognitionTransport) {}

  /** `slot`: the call's quota slot is taken with the job's queueing (see TakeSlot). */
  recognise(image: Buffer, call: RecognitionCall, slot?: TakeSlot): Promise<RecognitionOutcome> {
    return this.call(image, call, slot) as Promise<RecognitionOutcome>;
  }

  /** A redaction: `call.redact` says what to hide and how. */
  redact(
    image: Buffer,
    call: RecognitionCall & Required<Pick<RecognitionCall, 'redact'>>,
    slot?: TakeSlot,
  ) {
    return this.call(image, call, slot) as Promise<RedactionOutcome>;
  }

  private async call(
    image: Buffer,
    call: RecognitionCall,
    slot?: TakeSlot,
  ): Promise<CallOutcome<SnapshotResponse | RedactionResponse>> {
    const started = performance.now();
    const result = await this.transport.submit(call, image, slot);
    if ('unavailable' in result)
      return { kind: 'unavailable', reason: result.unavailable, detail: result.detail };
    const { outcome, workerMs, imageMs, enqueueMs } = result;
    if ('failed' in outcome) {
      const detail =
        outcome.reason === 'engine_timeout'
          ? `${outcome.failed} The call was not counted.`
          : `Recognition failed on our side; the call was not counted. Retry in ${RETRY_SECONDS} seconds.`;
      return { kind: 'unavailable', reason: 'failed', detail };
    }
    if ('refused' in outcome) return { kind: 'refused', ...outcome.refused };
    if (isRedaction(outcome) !== !!call.redact) throw new Error('a reply of the wrong kind');
    const engineMs = outcome.processing_time;
    const timing: CallTiming = {
      queueMs: performance.now() - started - workerMs,
      enqueueMs,
      workerMs: workerMs - engineMs,
      imageMs,
      engineMs,
    };
    return { kind: 'served', response: outcome, timing };
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

/** The response of a served call; throws the refusal or unavailability otherwise. */
export function servedOrThrow<R>(outcome: CallOutcome<R>): R {
  if (outcome.kind === 'served') return outcome.response;
  if (outcome.kind === 'refused') throw new RecognitionRefusedError(outcome.reason, outcome.detail);
  throw new RecognitionUnavailableError(outcome.reason, outcome.detail, RETRY_SECONDS);
}
