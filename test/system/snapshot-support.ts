/** What the Snapshot API system specs share: dev photos, the CLI, forms and local HTTP servers. */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const DEV = join(__dirname, '..', '..', '..', 'shared', 'alpr-dev');
export const photo = (path: string) => readFileSync(join(DEV, path));
export const BR = { path: 'images/br/AYO9034.jpg', plate: 'ayo9034' };
export const US = { path: 'images/us/wts-lg-000078.jpg', plate: '5ezp631' };
export const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
// A loopback address of its own for the test's servers: the operator allows it, 127.0.0.1 stays refused.
export const ALLOWED_HOST = '127.0.0.5';

export interface Received {
  headers: IncomingMessage['headers'];
  body: Buffer;
  at: number;
}

/** A local HTTP server on ALLOWED_HOST that records requests and answers as `handler` says. */
export async function localServer(
  handler: (
    req: IncomingMessage,
    body: Buffer,
  ) => [number, Record<string, string>, Buffer | string],
) {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      received.push({ headers: req.headers, body, at: Date.now() });
      const [status, headers, reply] = handler(req, body);
      res.writeHead(status, headers).end(reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, ALLOWED_HOST, resolve));
  const url = `http://${ALLOWED_HOST}:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

const CLI = join(__dirname, '..', '..', 'apps', 'cli', 'dist', 'main.js');

/** Runs the built CLI and parses its JSON answer. */
export const cli = (...args: string[]) =>
  JSON.parse(execFileSync(process.execPath, [CLI, ...args], { env: process.env }).toString());

/**
 * The same without blocking the event loop, for tests between kept-alive HTTP calls: while the
 * loop is blocked, fetch misses the server closing an idle connection and then reuses it.
 */
export const cliAsync = async (...args: string[]) =>
  JSON.parse((await run(process.execPath, [CLI, ...args], { env: process.env })).stdout);

export const upload = (
  bytes: Buffer,
  name: string,
  fields: Record<string, string | string[]> = {},
) => {
  const form = new FormData();
  form.append('upload', new Blob([bytes]), name);
  for (const [k, v] of Object.entries(fields))
    for (const value of [v].flat()) form.append(k, value);
  return form;
};

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
