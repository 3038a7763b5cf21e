import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@platewise/infra';
import { parseRecognitionRequest, RecognitionClient, UploadedImage } from '@platewise/recognition';
import type { RequestContext } from '../http/request-context';
import { ReadRecorder } from '../reads/read-recorder';
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
    private readonly reads: ReadRecorder,
    @Inject(RECOGNITION_CLIENT) private readonly recognition: RecognitionClient,
  ) {}

  async read(
    context: RequestContext,
    body: Record<string, unknown>,
    file: UploadedImage | undefined,
  ): Promise<ServedAnswer<Record<string, unknown>>> {
    const { owner, whenCounted, timing } = context;
    if (!owner || !whenCounted) throw new Error('route needs Metered');
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
      (bytes, ownership, slot) =>
        this.recognition.recognise(bytes, { ...request, ...ownership }, slot),
    );
    // The read history and watchlists hear only of counted calls, kept for the account's retention.
    whenCounted({
      what: 'read history',
      run: () =>
        this.reads.record(
          {
            accountId: owner.accountId,
            cameraId: request.camera_id,
            requestType: 'plate_reader',
            readRetentionDays: owner.account.readRetentionDays,
            webhookIds: owner.webhooks.map((w) => w.id),
          },
          answer,
        ),
    });
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
