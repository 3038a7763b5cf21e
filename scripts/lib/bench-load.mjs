// What the load benchmarks (bench:gateway, bench:scale) send and how they measure it: an account
// on a plan with room for any load, the dev photos as multipart bodies, a lean HTTP client and
// percentiles. Processes and the throwaway database come from bench-env.mjs.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { root } from './bench-env.mjs';

export const devDir = process.env.ALPR_DEV ?? join(root, '..', 'shared', 'alpr-dev');

/** A plan with room for any benchmark load, and an account on it; returns its API key. */
export async function benchAccount(base, env, cli, run) {
  await fetch(`${base}/admin/plans`, {
    method: 'PUT',
    headers: { Authorization: `Bearer ${env.ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      name: 'bench',
      totalCalls: 1e6,
      indicativeYearlyQuota: 1e7,
      callsPerSecond: 1000,
      allowAboveQuota: false,
      aboveQuotaUnitPrice: 0,
      mmcIncluded: true,
      maxUploadBytes: 8 * 1048576,
    }),
  });
  return cli('account', 'create', `bench-${run}`, '--plan', 'bench').apiKey;
}

/** The dev photos as multipart bodies (encoded before any clock starts). */
export function photoBodies(limit = Infinity) {
  const images = readFileSync(join(devDir, 'dataset.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).image)
    .slice(0, limit);
  return images.map((image, i) => {
    const boundary = `----platewise-bench-${i}`;
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="upload"; filename="${basename(image)}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
      ),
      readFileSync(join(devDir, image)),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    return { image, body, contentType: `multipart/form-data; boundary=${boundary}` };
  });
}

/**
 * node:http with kept-alive connections, body written in one piece: a lean client, so its own
 * overhead (fetch's streams, a new connection per call) is not billed to the gateway.
 */
export function client(maxSockets) {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  return (url, headers, body) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        url,
        { method: 'POST', agent, headers: { ...headers, 'Content-Length': body.length } },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode,
              headers: res.headers,
              body: Buffer.concat(chunks).toString(),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

export const pct = (xs, p) =>
  xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
