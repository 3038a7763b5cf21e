import { Inject, Injectable } from '@nestjs/common';
import {
  parseRedactionRequest,
  RecognitionClient,
  RedactionResponse,
  UploadedImage,
} from '@platewise/recognition';
import type { RequestContext } from '../http/request-context';
import type { ServedAnswer } from '../plate-reader/ignored-config';
import { NO_PLAN } from '../plate-reader/no-plan';
import { QueuedCalls } from '../plate-reader/queued-call.service';
import { RECOGNITION_CLIENT } from '../plate-reader/recognition.provider';

/**
 * Validates a redaction call, gets its image, and has a worker hide its plates and faces: the
 * plate reader's path (same checks, quota slot, SSRF-safe fetch, queue), with a redaction job.
 */
@Injectable()
export class RedactService {
  constructor(
    private readonly calls: QueuedCalls,
    @Inject(RECOGNITION_CLIENT) private readonly recognition: RecognitionClient,
  ) {}

  async redact(
    context: RequestContext,
    body: Record<string, unknown>,
    file: UploadedImage | undefined,
  ): Promise<ServedAnswer<RedactionResponse>> {
    const { owner, timing } = context;
    if (!owner) throw new Error('route needs Metered');
    const plan = owner.contract?.plan ?? NO_PLAN;
    // Every refusal that needs no image (the plan first) comes before the quota slot.
    const {
      image: source,
      ignoredConfig,
      ...request
    } = await timing.time('validate', async () => parseRedactionRequest(body, file, plan));
    const { response } = await this.calls.serve(
      context,
      { source, ignoredConfig, maxUploadBytes: plan.maxUploadBytes },
      (bytes, ownership, slot) =>
        this.recognition.redact(bytes, { ...request, ...ownership }, slot),
    );
    return { body: response, ignoredConfig };
  }
}
