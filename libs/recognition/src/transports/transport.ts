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
 * How a call reaches the handler: over BullMQ to a worker (BullMqTransport) or in this process
 * (InProcessTransport, for tests and single-process use). RecognitionClient works on either.
 */
export interface RecognitionTransport {
  submit(call: RecognitionCall, image: Buffer): Promise<TransportResult>;
  close(): Promise<void>;
}
