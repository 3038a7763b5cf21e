import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@platewise/infra';
import {
  loadImage,
  parseRecognitionRequest,
  RecognitionClient,
  servedOrThrow,
  UploadedImage,
} from '@platewise/recognition';
import type { RequestContext } from '../http/request-context';
import { MetricsService } from '../metrics/metrics.service';
import { RECOGNITION_CLIENT } from './recognition.provider';

/** Limits checked for an account without a contract, whose call the quota step then refuses. */
const NO_PLAN = { maxUploadBytes: 3 * 1048576, mmcIncluded: false };

/** A served call: the Snapshot answer, and the config keys that were ignored (for a header). */
export interface PlateReaderAnswer {
  body: Record<string, unknown>;
  ignoredConfig: string[];
}

/** Validates a plate-reader call, gets its image, and has the recognition handler read it. */
@Injectable()
export class PlateReaderService implements OnApplicationShutdown {
  private readonly logger = new Logger('PlateReader');

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    @Inject(RECOGNITION_CLIENT) private readonly recognition: RecognitionClient,
  ) {}

  async read(
    context: RequestContext,
    body: Record<string, unknown>,
    file: UploadedImage | undefined,
  ): Promise<PlateReaderAnswer> {
    const { owner, reserve, timing } = context;
    if (!owner || !reserve) throw new Error('route needs Metered');
    const plan = owner.contract?.plan ?? NO_PLAN;
    // Every refusal that needs no image comes before the quota slot, the image fetch and the queue.
    const {
      image: source,
      ignoredConfig,
      ...request
    } = await timing.time('validate', async () => parseRecognitionRequest(body, file, plan));
    if (ignoredConfig.length)
      // Plate Recognizer adds options over time: a client sending a newer one is served, and the
      // operator can see which options clients expect.
      this.logger.log(`config keys ignored (unknown to this engine): ${ignoredConfig.join(', ')}`);
    const reservation = await reserve();
    const image = await loadImage(source, {
      maxBytes: plan.maxUploadBytes,
      timeoutMs: this.config.FETCH_TIMEOUT_MS,
      allowHosts: this.config.FETCH_ALLOW_HOSTS,
    });
    const outcome = await this.recognition.recognise(image.bytes, {
      ...request,
      accountId: owner.accountId,
      webhooks: owner.webhooks.map(({ id, includeImage }) => ({ id, includeImage })),
      filename: image.filename,
    });
    this.metrics.recognitions.inc({
      outcome:
        outcome.kind !== 'unavailable'
          ? outcome.kind
          : outcome.reason === 'timeout'
            ? 'timeout'
            : 'failed',
    });
    if (outcome.kind === 'served') {
      timing.add('queue', outcome.timing.queueMs);
      timing.add('worker', outcome.timing.workerMs);
      timing.add('engine', outcome.timing.engineMs);
    }
    const response: Record<string, unknown> = { ...servedOrThrow(outcome) };
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
