/**
 * Requests fetch() cannot make: any method and header, a body sent in pieces that never ends, or
 * headers that never end. Resolves with what the server answered, or with status 0 when it closed
 * the connection without an answer, and always within `deadlineMs`.
 */
import { request } from 'node:http';
import { connect } from 'node:net';

export interface RawReply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  ms: number;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  /** written in one piece, then the request ends (unless `neverEnd`) */
  body?: Buffer | string;
  /** leave the body unfinished: the server must give up on it */
  neverEnd?: boolean;
  deadlineMs?: number;
}

export function rawRequest(base: string, r: RawRequest): Promise<RawReply> {
  const url = new URL(r.path, base);
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const finish = (reply: Omit<RawReply, 'ms'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve({ ...reply, ms: performance.now() - started });
    };
    const req = request(
      url,
      { method: r.method ?? 'POST', headers: r.headers, agent: false },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => finish({ status: res.statusCode ?? 0, headers: res.headers, text }));
        res.on('error', () => finish({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    const timer = setTimeout(
      () => finish({ status: -1, headers: {}, text: 'no answer before the deadline' }),
      r.deadlineMs ?? 15_000,
    );
    req.on('error', (e) => finish({ status: 0, headers: {}, text: e.message }));
    if (r.body !== undefined) req.write(r.body);
    if (!r.neverEnd) req.end();
  });
}

/** Sends a request line and part of the headers, then nothing: a slowloris connection. */
export function unfinishedHeaders(
  base: string,
  deadlineMs: number,
): Promise<{ closedAfterMs: number | null; text: string }> {
  const { hostname, port } = new URL(base);
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    const timer = setTimeout(
      () => (socket.destroy(), resolve({ closedAfterMs: null, text })),
      deadlineMs,
    );
    socket.on('connect', () =>
      socket.write('POST /v1/plate-reader/ HTTP/1.1\r\nHost: x\r\nX-Slow: '),
    );
    socket.on('data', (d) => (text += d.toString()));
    socket.on(
      'close',
      () => (clearTimeout(timer), resolve({ closedAfterMs: performance.now() - started, text })),
    );
    socket.on('error', () => undefined);
  });
}
