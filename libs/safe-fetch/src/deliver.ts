import type { OutgoingHttpHeaders } from 'node:http';
import {
  checkDestination,
  makePolicy,
  parseTargetUrl,
  type DestinationOptions,
} from './destination';
import { FetchFailedError, FetchTimeoutError } from './errors';
import { readBody, send, USER_AGENT, withDeadline } from './request';

export interface DeliverOptions extends DestinationOptions {
  body: Buffer | string;
  /** Request headers (Content-Type, the signature, ...). Host and framing headers are set here. */
  headers?: Record<string, string>;
  /** Total time limit in milliseconds (default 10 s). */
  timeoutMs?: number;
  /** Names the URL in error messages (default "webhook target"). */
  label?: string;
}

export interface DeliveryResult {
  status: number;
}

/** Headers the caller may not set: they describe the connection, which this module owns. */
const RESERVED_HEADERS = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
]);

/** How much of the receiver's answer is read before the connection is closed. */
const RESPONSE_DRAIN_BYTES = 64 * 1024;

/**
 * POST a webhook body to a target under the same address rules as fetchImage(). Redirects are
 * not followed. Resolves with the status for a 2xx answer; throws FetchFailedError (with
 * `status`) for any other answer, 3xx included, and the errors fetchImage() throws otherwise.
 */
export async function deliver(url: string, options: DeliverOptions): Promise<DeliveryResult> {
  const label = options.label ?? 'webhook target';
  const timeoutMs = options.timeoutMs ?? 10_000;
  const policy = makePolicy(options, label);
  const body = typeof options.body === 'string' ? Buffer.from(options.body, 'utf8') : options.body;

  const headers: OutgoingHttpHeaders = { 'user-agent': USER_AGENT };
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    if (!RESERVED_HEADERS.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
  }
  headers['content-length'] = body.length;

  return withDeadline(
    timeoutMs,
    () => new FetchTimeoutError(`${label} did not answer within ${timeoutMs} ms`),
    async (signal) => {
      const dest = await checkDestination(parseTargetUrl(url, label), policy, label, signal);
      const res = await send(dest, { method: 'POST', headers, body, signal, subject: label });
      const status = res.statusCode ?? 0;
      // Read (a bounded part of) the answer so the receiver is not cut off mid-write.
      await readBody(res, RESPONSE_DRAIN_BYTES, signal, label, 'truncate').catch(() => undefined);
      if (status >= 300 && status <= 399) {
        throw new FetchFailedError(
          'bad_status',
          `${label} answered HTTP ${status}; redirects are not followed`,
          status,
        );
      }
      if (status < 200 || status > 299) {
        throw new FetchFailedError('bad_status', `${label} answered HTTP ${status}`, status);
      }
      return { status };
    },
  );
}
