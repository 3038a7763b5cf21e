import { createHash } from 'node:crypto';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StreamEvent } from './camera';
import { sleep } from './sleep';

export type EventSink = (event: StreamEvent, bestFrame: Buffer | null) => Promise<void>;

/** One JSON line per event, appended (one write per line, so lines stay whole). */
export function jsonLines(path: string): EventSink {
  return async (event) => {
    await appendFile(path, `${JSON.stringify(event)}\n`);
  };
}

/** Saves the event's best frame as <dir>/<camera>-<timestamp>.jpg and names it in the event. */
export function bestFrames(dir: string): EventSink {
  let made = false;
  return async (event, frame) => {
    if (!frame) return;
    if (!made) await mkdir(dir, { recursive: true });
    made = true;
    const name = `${event.camera_id}-${event.timestamp.replace(/[:.]/g, '-')}.jpg`;
    await writeFile(join(dir, name), frame);
    (event as StreamEvent & { best_frame?: string }).best_frame = name;
  };
}

/** Delivery attempts per event before it is given up (logged): 0.5 s, 1, 2, 4, 8 s apart. */
const ATTEMPTS = 6;

/**
 * Reports each event to the gateway (POST /v1/stream/events with the account's API key), which
 * counts it once for the account and sends it to the account's webhooks. A failure on the way
 * (network, 5xx, 429) is retried with the same Idempotency-Key, so an event whose answer was lost
 * is not counted twice; so is a 409, the gateway still answering an earlier attempt with that key
 * (one this process gave up waiting for: if its caller was gone before it was counted, it is not,
 * and only a retry gets the event taken), or an attempt refused because it lost the key to such a
 * retry. Another refusal (4xx) is not retried, and is reported.
 */
export function gatewayReporter(
  gateway: { url: string; apiKey: string | null },
  fetchImpl: typeof fetch = fetch,
  /** once aborted (the process is stopping and its time is up), no further attempt is made */
  stop?: AbortSignal,
): EventSink {
  return async (event) => {
    const body = JSON.stringify(event);
    // The same key on every attempt: a retry after a lost answer is not counted twice.
    const key = createHash('sha256').update(body).digest('base64url');
    let why = '';
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (attempt) await sleep(500 * 2 ** (attempt - 1), stop);
      if (stop?.aborted) {
        why ||= 'stopping';
        break;
      }
      try {
        const res = await fetchImpl(`${gateway.url}/v1/stream/events`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': key,
            // None beside an on-premise gateway: it counts the event for its licence key.
            ...(gateway.apiKey ? { authorization: `Token ${gateway.apiKey}` } : {}),
          },
          body,
          signal: stop
            ? AbortSignal.any([stop, AbortSignal.timeout(10_000)])
            : AbortSignal.timeout(10_000),
        });
        if (res.ok) return;
        why = `${res.status} ${(await res.text()).slice(0, 200)}`;
        if (res.status < 500 && res.status !== 429 && res.status !== 409) break;
      } catch (err) {
        why = (err as Error).message;
      }
    }
    throw new Error(`the gateway did not take the event: ${why}`);
  };
}

/** Calls each sink in turn (the frame sink first, so the others see best_frame); one failing does not stop the next. */
export function allOf(sinks: EventSink[]): EventSink {
  return async (event, frame) => {
    const failures: string[] = [];
    for (const sink of sinks)
      await sink(event, frame).catch((err: Error) => failures.push(err.message));
    if (failures.length) throw new Error(failures.join('; '));
  };
}

/** A sink whose deliveries run behind the others, on a queue per camera. */
export interface QueuedSink {
  /** queues the event (without its frame) and returns at once */
  sink: EventSink;
  /**
   * Waits until every queued event is delivered, or `graceMs` have gone by: then `stop` is
   * aborted (the sink makes no further attempt) and what is left is given up.
   */
  close(graceMs: number): Promise<void>;
}

/**
 * Runs a slow sink — the gateway, whose retries take up to 15 s per event while it is away —
 * on a queue per camera, so the cameras and the other sinks (the JSON lines, the best frames)
 * never wait for it: while the gateway is away the file still gets each event as it comes, and
 * a stopping process does not spend minutes retrying past its kill signal (losing what the file
 * had not got yet). A camera's events are delivered in order. At most `max` wait per camera (the
 * memory an outage can take); past it the oldest is given up. Each event given up goes to
 * `onLost`.
 */
export function queued(
  sink: EventSink,
  stop: AbortController,
  options: { max: number; onLost(event: StreamEvent, why: string): void },
): QueuedSink {
  const queues = new Map<string, StreamEvent[]>();
  const running = new Map<string, Promise<void>>();
  const deliver = async (camera: string, queue: StreamEvent[]) => {
    // `running` has the camera's entry before this ends: the first thing it does is wait.
    for (let event = queue.shift(); event; event = queue.shift()) {
      const sent = event;
      await sink(sent, null).catch((err: Error) => options.onLost(sent, err.message));
    }
    // Deleted as the queue is found empty, with no wait between: a later event starts anew.
    running.delete(camera);
  };
  return {
    sink: async (event) => {
      const camera = event.camera_id;
      let queue = queues.get(camera);
      if (!queue) queues.set(camera, (queue = []));
      if (queue.length >= options.max)
        options.onLost(queue.shift()!, `${options.max} events were waiting for delivery`);
      queue.push(event);
      if (!running.has(camera)) running.set(camera, deliver(camera, queue));
    },
    async close(graceMs) {
      const timer = setTimeout(() => stop.abort(), graceMs);
      while (running.size) await Promise.all(running.values());
      clearTimeout(timer);
    },
  };
}
