import { Injectable, Logger } from '@nestjs/common';
import type { Reservation } from '@platewise/domain';
import { AppConfig } from '@platewise/infra';
import {
  BullMqWebhookSink,
  CallOutcome,
  ImageSource,
  loadImage,
  RecognitionCall,
  RedactionResponse,
  servedOrThrow,
  SnapshotResponse,
  TakeSlot,
} from '@platewise/recognition';
import type { RequestContext } from '../http/request-context';
import { MetricsService } from '../metrics/metrics.service';

/** What a queued call carries of its account and image, beside the request's own fields. */
export type CallOwnership = Pick<RecognitionCall, 'accountId' | 'webhooks' | 'filename'>;

/**
 * What every route that has a worker process an image does once its request is valid (the plate
 * reader and redaction): get the image (SSRF-safe, within the plan's size; fetched only after
 * the quota slot is taken), take the slot and hand the job to the queue (in one Redis step for an
 * image in the request), count the outcome and time its parts, and have the answer delivered to
 * the account's webhooks once the call is counted. Throws the refusal or unavailability; answers
 * the worker's response with the reservation that counted it.
 */
@Injectable()
export class QueuedCalls {
  private readonly logger = new Logger('QueuedCalls');

  constructor(
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly webhooks: BullMqWebhookSink,
  ) {}

  async serve<R extends SnapshotResponse | RedactionResponse>(
    context: RequestContext,
    request: { source: ImageSource; ignoredConfig: string[]; maxUploadBytes: number },
    submit: (bytes: Buffer, ownership: CallOwnership, slot?: TakeSlot) => Promise<CallOutcome<R>>,
  ): Promise<{ response: R; reservation: Reservation }> {
    const { owner, reserve, whenCounted, timing } = context;
    if (!owner || !reserve || !whenCounted) throw new Error('route needs Metered');
    if (request.ignoredConfig.length)
      // Plate Recognizer adds options over time: a client sending a newer one is served, and the
      // operator can see which options clients expect.
      this.logger.log(
        `config keys ignored (unknown to this engine): ${request.ignoredConfig.join(', ')}`,
      );
    const load = () =>
      loadImage(request.source, {
        maxBytes: request.maxUploadBytes,
        timeoutMs: this.config.FETCH_TIMEOUT_MS,
        allowHosts: this.config.FETCH_ALLOW_HOSTS,
      });
    // An image at a URL is fetched only once the slot is taken; an image in the request is
    // queued in the step that takes the slot (none is taken, nothing queued, when refused).
    const fetched = 'url' in request.source;
    if (fetched) await reserve();
    const image = await load();
    const ownership: CallOwnership = {
      accountId: owner.accountId,
      webhooks: owner.webhooks.map(({ id, includeImage }) => ({ id, includeImage })),
      filename: image.filename,
    };
    const outcome = await submit(image.bytes, ownership, fetched ? undefined : reserve);
    this.metrics.recognitions.inc({
      outcome:
        outcome.kind !== 'unavailable'
          ? outcome.kind
          : outcome.reason === 'timeout'
            ? 'timeout'
            : 'failed',
    });
    if (outcome.kind === 'served') {
      // enqueue: until the job is in Redis; handover: its pick-up and the reply's way back.
      const { queueMs, enqueueMs = 0, workerMs, imageMs = 0, engineMs } = outcome.timing;
      // An uploaded image's queueing is part of the quota step, timed as `quota` already.
      timing.add('enqueue', fetched ? enqueueMs : 0);
      timing.add('handover', queueMs - enqueueMs);
      timing.add('image', imageMs);
      timing.add('worker', workerMs - imageMs);
      timing.add('engine', engineMs);
    }
    const response = servedOrThrow(outcome);
    const reservation = context.reservation;
    if (!reservation) throw new Error('a call was served without its quota slot');
    // Only once counted: a call answered non-2xx, or whose caller left first, delivers nothing.
    if (ownership.webhooks.length > 0)
      whenCounted({
        what: 'webhook deliveries',
        run: () => this.webhooks.enqueue(ownership, image.bytes, response),
      });
    return { response, reservation };
  }
}
