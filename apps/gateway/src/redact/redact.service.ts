import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@platewise/infra';
import {
  loadImage,
  parseRedactionRequest,
  RecognitionClient,
  RedactionResponse,
  servedOrThrow,
  UploadedImage,
} from '@platewise/recognition';
import type { RequestContext } from '../http/request-context';
import { MetricsService } from '../metrics/metrics.service';
import { RECOGNITION_CLIENT } from '../plate-reader/recognition.provider';

/** Limits checked for an account without a contract, whose call the quota step then refuses. */
const NO_PLAN = { maxUploadBytes: 3 * 1048576, redactIncluded: false };

/**
 * Validates a redaction call, gets its image, and has a worker hide its plates and faces: the
 * plate reader's path (same checks, quota slot, SSRF-safe fetch, queue), with a redaction job.
 */
@Injectable()
export class RedactService {
  private readonly logger = new Logger('Redact');

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    @Inject(RECOGNITION_CLIENT) private readonly recognition: RecognitionClient,
  ) {}

  async redact(
    context: RequestContext,
    body: Record<string, unknown>,
    file: UploadedImage | undefined,
  ): Promise<RedactionResponse> {
    const { owner, reserve, timing } = context;
    if (!owner || !reserve) throw new Error('route needs Metered');
    const plan = owner.contract?.plan ?? NO_PLAN;
    // Every refusal that needs no image (the plan first) comes before the quota slot.
    const {
      image: source,
      ignoredConfig,
      ...request
    } = await timing.time('validate', async () => parseRedactionRequest(body, file, plan));
    if (ignoredConfig.length)
      this.logger.log(`config keys ignored (unknown to this engine): ${ignoredConfig.join(', ')}`);
    await reserve();
    const image = await loadImage(source, {
      maxBytes: plan.maxUploadBytes,
      timeoutMs: this.config.FETCH_TIMEOUT_MS,
      allowHosts: this.config.FETCH_ALLOW_HOSTS,
    });
    const outcome = await this.recognition.redact(image.bytes, {
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
    return servedOrThrow(outcome);
  }
}
