import { gatewayReporter } from './sinks';
import type { StreamEvent } from './camera';

const EVENT = { camera_id: 'gate-1', timestamp: '2026-12-05T19:36:25.874Z' } as StreamEvent;

/** A fetch that answers each call with the next status, and records the keys it was sent. */
function answering(...statuses: number[]) {
  const keys: string[] = [];
  const fetchImpl = (async (_url: string, init: RequestInit) => {
    keys.push((init.headers as Record<string, string>)['idempotency-key']);
    return new Response('{}', { status: statuses[keys.length - 1] ?? 500 });
  }) as unknown as typeof fetch;
  return { fetchImpl, keys };
}

describe('gatewayReporter', () => {
  const gateway = { url: 'http://gateway.test', apiKey: 'key' };

  it('retries a 409 (an earlier attempt still being answered) with the same Idempotency-Key', async () => {
    const { fetchImpl, keys } = answering(409, 201);
    await gatewayReporter(gateway, fetchImpl)(EVENT, null);
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
  });

  it('gives up at once on another refusal', async () => {
    const { fetchImpl, keys } = answering(400);
    await expect(gatewayReporter(gateway, fetchImpl)(EVENT, null)).rejects.toThrow(
      /the gateway did not take the event: 400/,
    );
    expect(keys).toHaveLength(1);
  });
});
