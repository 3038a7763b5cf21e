import type { RecognitionCall } from '../contract';
import type { RecognitionHandler } from '../handler';
import type { RecognitionTransport, TakeSlot, TransportResult } from './transport';

/** Runs the handler right here: what the worker would do, without Redis or a second process. */
export class InProcessTransport implements RecognitionTransport {
  constructor(private readonly handler: RecognitionHandler) {}

  async submit(call: RecognitionCall, image: Buffer, slot?: TakeSlot): Promise<TransportResult> {
    if (slot) await slot();
    const started = performance.now();
    try {
      const outcome = await this.handler.handle(call, image);
      return { outcome, workerMs: performance.now() - started };
    } catch (error) {
      return {
        outcome: { failed: (error as Error).message },
        workerMs: performance.now() - started,
      };
    }
  }

  async close(): Promise<void> {}
}
