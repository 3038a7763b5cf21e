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
    let answered = false;
    const req = request(url, { method: r.method ?? 'POST', headers: r.headers }, (res) => {
      answered = true;
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => finish({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', () => finish({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    const timer = setTimeout(
      () => finish({ status: -1, headers: {}, text: 'no answer before the deadline' }),
      r.deadlineMs ?? 15_000,
    );
    // A server may answer (403 without a key) and close before the body was all sent: the write
    // then fails (EPIPE) while the answer is being read, so the answer gets a moment to win.
    req.on('error', (e) =>
      setTimeout(() => finish({ status: 0, headers: {}, text: e.message }), 300),
    );
    // Sent in pieces, as curl does, and no more once an answer came: a big body refused early
    // is not pushed into a closed connection.
    const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body);
    const send = async () => {
      for (let at = 0; at < body.length && !answered && !settled; at += 65_536) {
        if (!req.write(body.subarray(at, at + 65_536)))
          await new Promise((ok) => req.once('drain', ok));
      }
      if (!r.neverEnd && !answered && !settled) req.end();
    };
    void send();
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

/**
 * Sends a request's headers announcing a body (Content-Length) and never sends the body: the
 * server may answer at once (a refusal that needs no body) and must then close the connection
 * rather than wait for bytes that will not come.
 */
export function announcedBodyNeverSent(
  base: string,
  path: string,
  deadlineMs: number,
): Promise<{ status: number; closedAfterMs: number | null; text: string }> {
  const { hostname, port } = new URL(base);
  const started = performance.now();
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    const status = () => Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
    const timer = setTimeout(
      () => (socket.destroy(), resolve({ status: status(), closedAfterMs: null, text })),
      deadlineMs,
    );
    socket.on('connect', () =>
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n`,
      ),
    );
    socket.on('data', (d) => (text += d.toString()));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ status: status(), closedAfterMs: performance.now() - started, text });
    });
    socket.on('error', () => undefined);
  });
}
