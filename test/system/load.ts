/**
 * Load for fault tests and the soak: many recognition calls at a fixed number in flight, with
 * what every caller got, so a test can say how many calls there were, what each was answered
 * and whether usage equals the answered calls.
 */
import sharp from 'sharp';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const ADMIN_TOKEN = 'fault-suite-admin-token-0123456789';

/** A dev photo made small, so calls are cheap on a 2-core machine. */
export async function smallPhoto(width = 480): Promise<Buffer> {
  const original = readFileSync(
    join(__dirname, '..', '..', '..', 'shared', 'alpr-dev', 'images', 'br', 'AYO9034.jpg'),
  );
  return sharp(original).resize(width).jpeg({ quality: 80 }).toBuffer();
}

export interface Answer {
  status: number; // 0: no answer (the connection failed or the client gave up)
  ms: number;
  /** ms since the load started */
  at: number;
  retryAfter: string | null;
  body: unknown;
}

export class Api {
  constructor(readonly base: string) {}

  async admin(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ apiKey: string } & Record<string, unknown>> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : {};
  }

  /**
   * An account on a plan with room for load (no rate limit in the way) and its API key; a larger
   * upload limit puts it on a plan of its own.
   */
  async loadAccount(name: string, maxUploadBytes = 3 * 1048576): Promise<string> {
    const plan = maxUploadBytes === 3 * 1048576 ? 'load' : `load-${maxUploadBytes}`;
    await this.admin('PUT', '/admin/plans', {
      name: plan,
      totalCalls: 1_000_000,
      indicativeYearlyQuota: 12_000_000,
      callsPerSecond: 10_000,
      allowAboveQuota: false,
      aboveQuotaUnitPrice: 0,
      mmcIncluded: false,
      maxUploadBytes,
    });
    const created = await this.admin('POST', '/admin/accounts', {
      username: `${name}-${Date.now().toString(36)}`,
      plan,
    });
    return created.apiKey;
  }

  /** Calls counted this month for the key's account. */
  async usage(key: string): Promise<number> {
    const res = await fetch(`${this.base}/v1/statistics/`, {
      headers: { Authorization: `Token ${key}` },
    });
    if (res.status !== 200) throw new Error(`statistics answered ${res.status}`);
    return (await res.json()).usage.calls;
  }

  /** One recognition call (mode fast), never throwing: a failure to get an answer is status 0. */
  async read(
    key: string,
    photo: Buffer,
    started = performance.now(),
    timeoutMs = 45_000,
  ): Promise<Answer> {
    const form = new FormData();
    form.append('upload', new Blob([photo]), 'car.jpg');
    form.append('config', '{"mode":"fast"}');
    const t0 = performance.now();
    try {
      const res = await fetch(`${this.base}/v1/plate-reader/`, {
        method: 'POST',
        headers: { Authorization: `Token ${key}` },
        body: form,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // kept as text: a non-JSON answer is itself a finding
      }
      return {
        status: res.status,
        ms: performance.now() - t0,
        at: t0 - started,
        retryAfter: res.headers.get('retry-after'),
        body,
      };
    } catch (error) {
      return {
        status: 0,
        ms: performance.now() - t0,
        at: t0 - started,
        retryAfter: null,
        body: String(error),
      };
    }
  }

  /** Waits until /v1/statistics/ answers (the gateway reaches its database and Redis again). */
  async reachable(key: string, withinMs: number): Promise<boolean> {
    const until = Date.now() + withinMs;
    while (Date.now() < until) {
      if (
        await this.usage(key).then(
          () => true,
          () => false,
        )
      )
        return true;
      await sleep(100);
    }
    return false;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Calls with `inFlight` at once until `until(answers)` says stop, `calls` were made or `maxMs`
 * passed (90 s by default). A caller
 * answered other than 201 waits `backoffMs` before its next call, as a client honouring a retry
 * hint would, so an outage is not a busy loop.
 */
export async function runLoad(
  api: Api,
  key: string,
  photo: Buffer,
  opts: {
    started?: number;
    calls?: number;
    maxMs?: number;
    until?: (answers: Answer[]) => boolean;
    inFlight: number;
    backoffMs?: number;
    onAnswer?: (a: Answer, all: Answer[]) => void;
  },
): Promise<Answer[]> {
  const started = opts.started ?? performance.now();
  const answers: Answer[] = [];
  let made = 0;
  const deadline = started + (opts.maxMs ?? 90_000);
  const more = () =>
    (opts.calls === undefined || made < opts.calls) &&
    !opts.until?.(answers) &&
    performance.now() < deadline;
  const lane = async () => {
    while (more()) {
      made++;
      const answer = await api.read(key, photo, started);
      answers.push(answer);
      opts.onAnswer?.(answer, answers);
      if (answer.status !== 201) await sleep(opts.backoffMs ?? 100);
    }
  };
  await Promise.all(Array.from({ length: opts.inFlight }, lane));
  return answers;
}

/** Count of answers per status, e.g. `{ "201": 37, "503": 3 }`. */
export function statuses(answers: Answer[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const a of answers) out[a.status] = (out[a.status] ?? 0) + 1;
  return out;
}

/** ms from `from` (since the load started) until the first call answered 201 after it ended. */
export function recoveredAfter(answers: Answer[], from: number): number | null {
  const ends = answers
    .filter((a) => a.status === 201 && a.at + a.ms >= from)
    .map((a) => a.at + a.ms - from);
  return ends.length ? Math.round(Math.min(...ends)) : null;
}

export function describeLoad(
  name: string,
  answers: Answer[],
  extra: Record<string, unknown> = {},
): string {
  const ms = answers.map((a) => a.ms).sort((a, b) => a - b);
  const pick = (q: number) => Math.round(ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]);
  const facts = {
    calls: answers.length,
    statuses: statuses(answers),
    p50_ms: pick(0.5),
    max_ms: pick(1),
    ...extra,
  };
  return `faults: ${name}: ${JSON.stringify(facts)}`;
}
