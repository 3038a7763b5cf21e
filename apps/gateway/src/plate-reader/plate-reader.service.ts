import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@platewise/infra';
import { parseRecognitionRequest, RecognitionClient, UploadedImage } from '@platewise/recognition';
import type { RequestContext } from '../http/request-context';
import type { ServedAnswer } from './ignored-config';
import { NO_PLAN } from './no-plan';
import { QueuedCalls } from './queued-call.service';
import { RECOGNITION_CLIENT } from './recognition.provider';

/** Validates a plate-reader call, gets its image, and has the recognition handler read it. */
@Injectable()
export class PlateReaderService implements OnApplicationShutdown {
  constructor(
    private readonly config: AppConfig,
    private readonly calls: QueuedCalls,
    @Inject(RECOGNITION_CLIENT) private readonly recognition: RecognitionClient,
  ) {}

  async read(
    context: RequestContext,
    body: Record<string, unknown>,
    file: UploadedImage | undefined,
  ): Promise<ServedAnswer<Record<string, unknown>>> {
    const { owner, timing } = context;
    if (!owner) throw new Error('route needs Metered');
    const plan = owner.contract?.plan ?? NO_PLAN;
    // Every refusal that needs no image comes before the quota slot, the image fetch and the queue.
    const {
      image: source,
      ignoredConfig,
      ...request
    } = await timing.time('validate', async () => parseRecognitionRequest(body, file, plan));
    const { response: answer, reservation } = await this.calls.serve(
      context,
      { source, ignoredConfig, maxUploadBytes: plan.maxUploadBytes },
      // Reads are kept for the account's retention (the worker stores them after the answer).
      (bytes, ownership, slot) =>
        this.recognition.recognise(
          bytes,
          { ...request, ...ownership, readRetentionDays: owner.account.readRetentionDays },
          slot,
        ),
    );
    const response: Record<string, unknown> = { ...answer };
    if (this.config.PLATEWISE_MODE === 'onprem') {
      // The on-premise SDK reports the licence's usage with every answer.
      response.usage = {
        calls: reservation.state.usedThisPeriod,
        max_calls: reservation.state.monthlyCalls,
      };
    }
    return { body: response, ignoredConfig };
  }

  /** After the HTTP server stopped, so calls still in flight get their answers. */
  onApplicationShutdown(): Promise<void> {
    return this.recognition.close();
  }
}
