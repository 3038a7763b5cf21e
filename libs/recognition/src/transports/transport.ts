import type { ReserveStep } from '@platewise/domain';
import type { RecognitionCall, RecognitionReply } from '../contract';
import type { UnavailableReason } from '../errors';

/** What came back for one call: the handler's reply, or why there was none. */
export type TransportResult =
  | (Omit<RecognitionReply, 'jobId'> & {
      /** ms from submit until the job and its image were in Redis (over a queue) */
      enqueueMs?: number;
    })
  | { unavailable: Exclude<UnavailableReason, 'failed'>; detail: string };

/**
 * Takes the call's quota slot and, in the same atomic step, runs `then` (the queueing of the job)
 * once the slot is granted; throws the refusal otherwise, and nothing is queued.
 */
export type TakeSlot = (then?: ReserveStep) => Promise<unknown>;

/**
 * How a call reaches the handler: over the Redis hand-over to a worker (HandOverTransport) or in
 * this process (InProcessTransport, for tests and single-process use). RecognitionClient works on
 * either. With `slot`, the call's quota slot is taken by the transport, in the step that queues
 * the job (a call whose image was uploaded: nothing to fetch first); without, it was taken before.
 */
export interface RecognitionTransport {
  submit(call: RecognitionCall, image: Buffer, slot?: TakeSlot): Promise<TransportResult>;
  close(): Promise<void>;
}
