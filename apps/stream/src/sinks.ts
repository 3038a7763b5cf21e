import { createHash } from 'node:crypto';
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StreamEvent } from './camera';

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
 * is not counted twice; a refusal (4xx) is not retried, and is reported.
 */
export function gatewayReporter(
  gateway: { url: string; apiKey: string | null },
  fetchImpl: typeof fetch = fetch,
): EventSink {
  return async (event) => {
    const body = JSON.stringify(event);
    // The same key on every attempt: a retry after a lost answer is not counted twice.
    const key = createHash('sha256').update(body).digest('base64url');
    let why = '';
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      if (attempt) await new Promise((r) => setTimeout(r, 500 * 2 ** (attempt - 1)));
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
          signal: AbortSignal.timeout(10_000),
        });
        if (res.ok) return;
        why = `${res.status} ${(await res.text()).slice(0, 200)}`;
        if (res.status < 500 && res.status !== 429) break;
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
