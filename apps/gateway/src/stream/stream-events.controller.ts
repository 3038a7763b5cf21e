import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { Context } from '../auth/request.decorators';
import type { RequestContext } from '../http/request-context';
import { Metered, ReservesQuotaItself } from '../quota/metered';
import { StreamEventsService } from './stream-events.service';

/** `POST /v1/stream/events`: one vehicle event from a stream process, counted as `stream`. */
@Controller()
export class StreamEventsController {
  constructor(private readonly events: StreamEventsService) {}

  @Post('v1/stream/events')
  @HttpCode(201)
  @Metered('stream')
  @ReservesQuotaItself()
  report(@Context() context: RequestContext, @Body() body: unknown) {
    return this.events.report(context, body);
  }
}
