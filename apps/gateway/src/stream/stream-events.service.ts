import { randomUUID } from 'node:crypto';
import { BadRequestException, ConflictException, Injectable } from '@nestjs/common';
import { RedisService, runScript } from '@platewise/infra';
import { BullMqWebhookSink } from '@platewise/recognition';
import type { PlateResult } from '@platewise/snapshot';
import type { RequestContext } from '../http/request-context';
import { ReadRecorder } from '../reads/read-recorder';
import { parseStreamEvent, StreamEventError } from './stream-event';

/** How long an Idempotency-Key is remembered: a reporter's retries end within a minute. */
const REMEMBER_SECONDS = 86_400;
/**
 * How long a call holds its Idempotency-Key before it is counted or given back: far beyond the
 * milliseconds this route takes, yet short enough that a key left held by a gateway killed
 * mid-call is free again before apps/stream's retries of the event end (15 s).
 */
const CLAIM_SECONDS = 10;
const IDEMPOTENCY_KEY = /^[A-Za-z0-9_-]{8,128}$/;
/** A held key's value starts so; a taken one's does not (`done`; `1` from earlier versions). */
const IN_FLIGHT = 'in-flight:';

// Claims the key for one call unless it is set already; returns what it holds (nil: claimed).
const CLAIM = `
local held = redis.call('GET', KEYS[1])
if held then return held end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return false`;

// The call was counted: the key is remembered as taken (1), unless a call beside it, taken once
// its claim had run out, was counted first (0: deliver nothing twice).
const TAKEN = `
local held = redis.call('GET', KEYS[1])
if held and string.sub(held, 1, #ARGV[2]) ~= ARGV[2] then return 0 end
redis.call('SET', KEYS[1], 'done', 'EX', ARGV[1])
return 1`;

// The call was not counted: its claim is dropped, if it is still its own, so a retry is taken.
const GIVE_UP = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 0`;

/**
 * Vehicle events reported by stream processes (apps/stream) with the account's API key: each is
 * checked, counted once as a `stream` request, and once counted sent to the account's webhooks
 * (`stream.event`, through the same queue, signature and retries as recognitions). A retry of an
 * event whose first answer was lost (same Idempotency-Key) is answered again and neither counted
 * nor sent twice; one whose first caller left before the answer (not counted) is taken.
 * A retry that comes while the first is still being answered is refused with 409 (retry_after 1,
 * as Stripe does): the key is claimed in one Redis step before the quota slot is taken, so two
 * calls with one key never both pass, and it is either remembered once the call is counted or
 * dropped when it is not, for the retry to be taken then.
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
    const claim = `${IN_FLIGHT}${randomUUID()}`;
    if (seen) {
      const held = await runScript<string | null>(this.redis, {
        lua: CLAIM,
        keys: [seen],
        args: [claim, CLAIM_SECONDS],
      });
      if (held?.startsWith(IN_FLIGHT)) {
        throw new ConflictException({
          detail:
            'A request with this Idempotency-Key is in progress. Retry once it has been answered.',
          retry_after: 1,
        });
      }
      if (held !== null) return { ...answer, duplicate: true };
    }
    // Delivered and recorded only once counted, and only then remembered as taken: an event
    // whose caller left before its answer is not billed, so its key is given up and its retry
    // taken anew. Registered before the slot is taken, so a refused slot gives the key up too.
    whenCounted({
      what: 'webhook deliveries and read history',
      run: async () => {
        if (seen && !(await this.remember(seen))) return;
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
      notCounted: async () => {
        if (seen) await runScript(this.redis, { lua: GIVE_UP, keys: [seen], args: [claim] });
      },
    });
    // A malformed event spent nothing; a valid one takes its quota slot.
    await reserve();
    return answer;
  }

  /** Remembers a counted call's key as taken; false when a call beside it was counted first. */
  private async remember(seen: string): Promise<boolean> {
    const taken = await runScript<number>(this.redis, {
      lua: TAKEN,
      keys: [seen],
      args: [REMEMBER_SECONDS, IN_FLIGHT],
    });
    return taken === 1;
  }
}
