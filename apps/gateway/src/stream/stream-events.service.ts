import { BadRequestException, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '@platewise/infra';
import { BullMqWebhookSink } from '@platewise/recognition';
import type { RequestContext } from '../http/request-context';
import { parseStreamEvent, StreamEventError } from './stream-event';

/**
 * Vehicle events reported by stream processes (apps/stream) with the account's API key: each is
 * checked, counted once as a `stream` request, and sent to the account's webhooks (`stream.event`,
 * through the same queue, signature and retries as recognitions).
 */
@Injectable()
export class StreamEventsService implements OnApplicationShutdown {
  private readonly sink: BullMqWebhookSink;

  constructor(config: AppConfig) {
    this.sink = new BullMqWebhookSink(config);
  }

  async report(context: RequestContext, body: unknown) {
    const { owner, reserve } = context;
    if (!owner || !reserve) throw new Error('route needs Metered');
    let event;
    try {
      event = parseStreamEvent(body);
    } catch (err) {
      if (err instanceof StreamEventError) throw new BadRequestException(err.message);
      throw err;
    }
    // A malformed event spent nothing; a valid one takes its quota slot, then is delivered.
    await reserve();
    const hooks = owner.webhooks.map((w) => w.id);
    await this.sink.enqueueStreamEvent(hooks, event as unknown as Record<string, unknown>);
    return { camera_id: event.camera_id, timestamp: event.timestamp, webhooks: hooks.length };
  }

  onApplicationShutdown(): Promise<void> {
    return this.sink.close();
  }
}
