import * as http from 'node:http';
import * as https from 'node:https';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { pinnedLookup, type Destination } from './destination';
import { FetchFailedError, FetchTimeoutError, SafeFetchError } from './errors';

export const USER_AGENT = 'platewise-safe-fetch/0.1';

/**
 * Run `work` under one total time limit. Every step (DNS, connect, each redirect, the body) gets
 * the same signal; when it fires, whatever was in progress fails and becomes a FetchTimeoutError.
 */
export async function withDeadline<T>(
  timeoutMs: number,
  onTimeout: () => FetchTimeoutError,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(onTimeout()), timeoutMs);
  try {
    return await work(controller.signal);
  } catch (err) {
    if (
      controller.signal.aborted &&
      !(err instanceof SafeFetchError && !(err instanceof FetchTimeoutError))
    ) {
      throw controller.signal.reason;
    }
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

export interface SendOptions {
  method: 'GET' | 'POST';
  headers: OutgoingHttpHeaders;
  body?: Buffer;
  signal: AbortSignal;
  subject: string;
}

/**
 * One HTTP exchange with a checked destination: a fresh connection (no shared agent, so no pooled
 * socket from another request is reused) to exactly the validated addresses; Host and SNI keep the
 * URL's host name. Redirects are never followed here. Resolves with the response head.
 */
export function send(dest: Destination, options: SendOptions): Promise<IncomingMessage> {
  const { url } = dest;
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<IncomingMessage>((resolve, reject) => {
    let req: http.ClientRequest;
    try {
      req = client.request({
        protocol: url.protocol,
        host: dest.hostname,
        port: dest.port,
        path: `${url.pathname}${url.search}`,
        method: options.method,
        headers: options.headers,
        agent: false,
        lookup: pinnedLookup(dest.addresses) as unknown as http.RequestOptions['lookup'],
        signal: options.signal,
      });
    } catch (err) {
      reject(
        new FetchFailedError('network', `${options.subject} could not be requested`, undefined, {
          cause: err,
        }),
      );
      return;
    }
    req.once('response', resolve);
    req.on('error', (err) => {
      if (options.signal.aborted) reject(options.signal.reason);
      else
        reject(
          new FetchFailedError(
            'network',
            `${options.subject} could not be reached (${describe(err)})`,
            undefined,
            { cause: err },
          ),
        );
    });
    req.end(options.body);
  });
}

/** A short, user-safe description of a network error (its code, never a stack or an address). */
function describe(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    default:
      if (
        typeof code === 'string' &&
        /^(ERR_TLS|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED|ERR_SSL)/.test(code)
      ) {
        return 'TLS error';
      }
      return code ? String(code).toLowerCase() : 'network error';
  }
}

/**
 * Read a response body, stopping (and closing the connection) as soon as it passes `maxBytes`:
 * then `onTooLarge` decides — throw (images) or keep what was read (webhook answers).
 */
export function readBody(
  res: IncomingMessage,
  maxBytes: number,
  signal: AbortSignal,
  subject: string,
  onTooLarge: (() => Error) | 'truncate',
): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const finish = (err: unknown, value?: Buffer) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      if (err) reject(err);
      else resolve(value!);
    };
    const onAbort = () => {
      res.destroy();
      finish(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });

    res.on('data', (chunk: Buffer) => {
      if (settled) return;
      if (total + chunk.length > maxBytes) {
        res.destroy();
        if (onTooLarge === 'truncate') {
          chunks.push(chunk.subarray(0, maxBytes - total));
          finish(null, Buffer.concat(chunks));
        } else {
          finish(onTooLarge());
        }
        return;
      }
      total += chunk.length;
      chunks.push(chunk);
    });
    res.once('end', () => finish(null, Buffer.concat(chunks, total)));
    res.once('error', (err) =>
      finish(
        signal.aborted
          ? signal.reason
          : new FetchFailedError(
              'network',
              `${subject} connection broke while sending the body`,
              res.statusCode,
              { cause: err },
            ),
      ),
    );
    res.once('close', () => {
      if (!res.complete) {
        finish(
          signal.aborted
            ? signal.reason
            : new FetchFailedError(
                'network',
                `${subject} connection closed before the body was complete`,
                res.statusCode,
              ),
        );
      }
    });
  });
}
