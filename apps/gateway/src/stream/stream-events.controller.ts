import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiHeader } from '@nestjs/swagger';
import { Context } from '../auth/request.decorators';
import type { RequestContext } from '../http/request-context';
import { MeteredPlateRecognizerErrors, RouteDoc } from '../openapi/route-doc';
import { Metered, ReservesQuotaItself } from '../quota/metered';
import { EXAMPLE_EVENT } from './example-event';
import { StreamEventsService } from './stream-events.service';

/** `POST /v1/stream/events`: one vehicle event from a stream process, counted as `stream`. */
@Controller()
export class StreamEventsController {
  constructor(private readonly events: StreamEventsService) {}

  @RouteDoc({
    summary: 'Report one vehicle event from a stream process (apps/stream)',
    description:
      'Counted once as request type `stream` and sent to each of the account webhooks as `stream.event`; ' +
      'its plate is kept in the read history (request type `stream`) and checked against the watchlists. ' +
      'The body is the event apps/stream writes: camera_id, timestamp, first_seen, last_seen, frames, ' +
      'direction (degrees, 0 right, 90 up; null when the plate hardly moved) and results (Snapshot plate results, each with its direction). ' +
      'With an Idempotency-Key header (8 to 128 letters, digits, - or _), a retry of an event already taken is answered with duplicate: true, not counted or sent again; ' +
      'one that comes while a request with the same key is still being answered is refused with 409 (retry_after 1) and nothing is counted, ' +
      'and a retry after a request whose caller left before it was counted is taken anew. ' +
      "A request is counted only while it still holds its key: one that lost it (held up past the key's claim, a retry taken meanwhile) is refused with 409 and counted nothing.",
    auth: 'key',
    metered: true,
    ok: {
      status: 201,
      schema: {
        type: 'object',
        properties: {
          camera_id: { type: 'string' },
          timestamp: { type: 'string', format: 'date-time' },
          webhooks: { type: 'integer', description: 'webhook deliveries queued' },
        },
      },
      example: { camera_id: 'gate-1', timestamp: '2026-12-05T19:36:25.874Z', webhooks: 1 },
    },
    request: EXAMPLE_EVENT,
  })
  @ApiBody({ schema: { type: 'object' } })
  @ApiHeader({
    name: 'idempotency-key',
    required: false,
    description:
      'the same on every retry of one event (8 to 128 letters, digits, - or _), so it is counted and sent once: ' +
      'a retry of an event already taken is answered with duplicate: true, one sent while a request with the key is still being answered gets 409',
    schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{8,128}$' },
  })
  @MeteredPlateRecognizerErrors(400, 403, 409, 429, 503)
  @Post('v1/stream/events')
  @HttpCode(201)
  @Metered('stream')
  @ReservesQuotaItself()
  report(
    @Context() context: RequestContext,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey?: string,
  ) {
    return this.events.report(context, body, idempotencyKey);
  }
}
