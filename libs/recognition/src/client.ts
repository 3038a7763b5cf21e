import type { SnapshotResponse } from '@platewise/snapshot';
import type { RecognitionCall } from './contract';
import {
  RETRY_SECONDS,
  RecognitionRefusedError,
  RecognitionUnavailableError,
  RefusalReason,
  UnavailableReason,
} from './errors';
import type { RecognitionTransport } from './transports/transport';

/** How one call ended, with where its time went when it was served. */
export type RecognitionOutcome =
  | {
      kind: 'served';
      response: SnapshotResponse;
      timing: { queueMs: number; workerMs: number; engineMs: number };
    }
  | { kind: 'refused'; reason: RefusalReason; detail: string }
  | { kind: 'unavailable'; reason: UnavailableReason; detail: string };

/** A synchronous recognition call over a transport: submit, wait, and say how it ended. */
export class RecognitionClient {
  constructor(private readonly transport: RecognitionTransport) {}

  async recognise(image: Buffer, call: RecognitionCall): Promise<RecognitionOutcome> {
    const started = performance.now();
    const result = await this.transport.submit(call, image);
    if ('unavailable' in result)
      return { kind: 'unavailable', reason: result.unavailable, detail: result.detail };
    const { outcome, workerMs } = result;
    if ('failed' in outcome) {
      const detail =
        outcome.reason === 'engine_timeout'
          ? `${outcome.failed} The call was not counted.`
          : `Recognition failed on our side; the call was not counted. Retry in ${RETRY_SECONDS} seconds.`;
      return { kind: 'unavailable', reason: 'failed', detail };
    }
    if ('refused' in outcome) return { kind: 'refused', ...outcome.refused };
    const engineMs = outcome.processing_time;
    // queue: hand-over both ways (enqueue, pick-up, reply); worker: its work around the engine.
    const timing = {
      queueMs: performance.now() - started - workerMs,
      workerMs: workerMs - engineMs,
      engineMs,
    };
    return { kind: 'served', response: outcome, timing };
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

/** The response of a served call; throws the refusal or unavailability otherwise. */
export function servedOrThrow(outcome: RecognitionOutcome): SnapshotResponse {
  if (outcome.kind === 'served') return outcome.response;
  if (outcome.kind === 'refused') throw new RecognitionRefusedError(outcome.reason, outcome.detail);
  throw new RecognitionUnavailableError(outcome.reason, outcome.detail, RETRY_SECONDS);
}
