import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { BullMqWebhookSink } from '@platewise/recognition';
import type { PlateResult } from '@platewise/snapshot';
import type { RequestContext } from '../http/request-context';
import { ReadRecorder } from '../reads/read-recorder';
import { IdempotencyKeys } from './idempotency-keys';
import { parseStreamEvent, StreamEventError } from './stream-event';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,128}$/;

/**
 * Vehicle events reported by stream processes (apps/stream) with the account's API key: each is
 * checked, counted once as a `stream` request, and once counted sent to the account's webhooks
 * (`stream.event`, through the same queue, signature and retries as recognitions). A retry of an
 * event whose first answer was lost (same Idempotency-Key) is answered again and neither counted
 * nor sent twice; one whose first caller left before it was counted is taken.
 * A retry that comes while the first is still being answered is refused with 409 (retry_after 1,
 * as Stripe does): the key is claimed in one Redis step before the quota slot is taken, so two
 * calls with one key never both pass, held (renewed) as long as the call is in progress, and
 * either remembered as taken in the step that decides the call is counted (before its answer, and
 * only while the claim is still its own) or dropped when it is not counted, for the retry to be
 * taken then (IdempotencyKeys).
 * Once counted, the event's plate joins the read history and is checked against the account's
 * watchlists, as a plate-reader call's plates are.
 */
@Injectable()
export class StreamEventsService {
  constructor(
    private readonly keys: IdempotencyKeys,
    private readonly sink: BullMqWebhookSink,
    private readonly reads: ReadRecorder,
  ) {}

  async report(context: RequestContext, body: unknown, idempotencyKey?: string) {
    const { owner, reserve, whenCounted, countIf } = context;
    if (!owner || !reserve || !whenCounted || !countIf) throw new Error('route needs Metered');
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
    const claimed = idempotencyKey
      ? await this.keys.claim(`stream-event:${owner.accountId}:${idempotencyKey}`)
      : null;
    if (claimed?.state === 'in-flight') throw inProgress();
    if (claimed?.state === 'taken') return { ...answer, duplicate: true };
    const claim = claimed?.claim;
    // Delivered and recorded only once counted: an event whose caller left before it was counted
    // is not billed, so its key is given up and its retry taken anew. Registered before the slot
    // is taken, so a refused slot gives the key up too, and with nothing awaited since the claim,
    // so its renewals end however the call does.
    whenCounted({
      what: 'webhook deliveries and read history',
      // the read first: it is kept in memory at once, whatever becomes of the enqueue
      run: async () => {
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
        await this.sink.enqueueStreamEvent(hooks, event as unknown as Record<string, unknown>);
      },
      notCounted: async () => {
        await claim?.giveUp();
      },
    });
    // A malformed event spent nothing; a valid one takes its quota slot.
    await reserve();
    // Counted now, before its answer, right after its key is remembered as taken in one Redis
    // step with checking that the claim is still its own: a call whose claim ran out or was lost
    // while it stalled (a process paused longer than the claim ran no renewal to notice it; a
    // Redis failover) is refused, not counted beside a retry taken meanwhile. From that step on a
    // retry is answered as a duplicate, so the call is counted whatever becomes of its answer.
    // Refused, its slot is given back and the reporter's retry told what the key holds now (its
    // caller gone already: the key is given up, for the retry to be taken).
    if (claim && !(await countIf(() => claim.taken()))) throw inProgress();
    return answer;
  }
}

const inProgress = () =>
  new ConflictException({
    detail: 'A request with this Idempotency-Key is in progress. Retry once it has been answered.',
    retry_after: 1,
  });
