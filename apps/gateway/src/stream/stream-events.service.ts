import { BadRequestException, Injectable } from '@nestjs/common';
import { RedisService } from '@platewise/infra';
import { BullMqWebhookSink } from '@platewise/recognition';
import type { PlateResult } from '@platewise/snapshot';
import type { RequestContext } from '../http/request-context';
import { ReadRecorder } from '../reads/read-recorder';
import { parseStreamEvent, StreamEventError } from './stream-event';

/** How long an Idempotency-Key is remembered: a reporter's retries end within a minute. */
const REMEMBER_SECONDS = 86_400;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,128}$/;

/**
 * Vehicle events reported by stream processes (apps/stream) with the account's API key: each is
 * checked, counted once as a `stream` request, and once counted sent to the account's webhooks
 * (`stream.event`, through the same queue, signature and retries as recognitions). A retry of an
 * event whose first answer was lost (same Idempotency-Key) is answered again and neither counted
 * nor sent twice; one whose first caller left before the answer (not counted) is taken.
 * Once counted, the event's plate joins the read history and is checked against the account's
 * watchlists, as a plate-reader call's plates are.
 */
@Injectable()
export class StreamEventsService {
  constructor(
    private readonly redis: RedisService,
    private readonly sink: BullMqWebhookSink,
    private readonly reads: ReadRecorder,
  ) {}

  async report(context: RequestContext, body: unknown, idempotencyKey?: string) {
    const { owner, reserve, whenCounted } = context;
    if (!owner || !reserve || !whenCounted) throw new Error('route needs Metered');
    let event;
    try {
      event = parseStreamEvent(body);
    } catch (err) {
      if (err instanceof StreamEventError) throw new BadRequestException(err.message);
      throw err;
    }
    if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY.test(idempotencyKey)) {
      throw new BadRequestException('Idempotency-Key: 8 to 128 letters, digits, - or _.');
    }
    const hooks = owner.webhooks.map((w) => w.id);
    const answer = {
      camera_id: event.camera_id,
      timestamp: event.timestamp,
      webhooks: hooks.length,
    };
    const seen = idempotencyKey ? `stream-event:${owner.accountId}:${idempotencyKey}` : null;
    if (seen && (await this.redis.exists(seen)) === 1) return { ...answer, duplicate: true };
    // A malformed event spent nothing; a valid one takes its quota slot.
    await reserve();
    // Delivered and recorded only once counted, and only then remembered as taken: an event
    // whose caller left before its answer is not billed, so its retry must be taken anew.
    whenCounted({
      what: 'webhook deliveries and read history',
      run: async () => {
        // A retry counted beside the first (its caller gave up while the first was answered).
        if (seen && (await this.redis.set(seen, '1', 'EX', REMEMBER_SECONDS, 'NX')) === null)
          return;
        await this.sink.enqueueStreamEvent(hooks, event as unknown as Record<string, unknown>);
        this.reads.record(
          {
            accountId: owner.accountId,
            cameraId: event.camera_id,
            requestType: 'stream',
            readRetentionDays: owner.account.readRetentionDays,
            webhookIds: hooks,
          },
          { results: event.results as unknown as PlateResult[], timestamp: event.timestamp },
        );
      },
    });
    return answer;
  }
}
