/**
 * Workers under CPU contention (twice as many busy processes as cores, on top of the suite's own
 * gateway and two workers), with a short job lock so that any stall of a worker's event loop would
 * show: a 40-megapixel photo read on one worker while other accounts' calls are answered by the
 * other, a burst of calls, and a worker killed mid-job. No healthy job may be declared stalled, no
 * call may get 503 or 504, and the gateway must never find no worker alive.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { loadConfig } from '../../libs/infra/src';
import { openRecognitionQueue } from '../support/recognition-queue';
import { ADMIN_TOKEN, Answer, Api, sleep, smallPhoto, statuses } from './load';
import { GATEWAY_READY, Running, startApp, startTogether, WORKER_READY } from './processes';
import { DEV } from './snapshot-support';
import { testPort } from './services';
import { ENGINE_HOLD_HOOK, holdingImage } from '../support/engine-hold';

jest.setTimeout(180_000);

const port = testPort();
const api = new Api(`http://127.0.0.1:${port}`);
const prefix = `${loadConfig().REDIS_PREFIX}saturation:`;
const env = {
  PORT: String(port),
  ADMIN_TOKEN,
  REDIS_PREFIX: prefix,
  // A short lock: a worker whose event loop stalls for 2 s loses its job and its place.
  WORKER_LOCK_MS: '2000',
  ENGINE_THREADS: '1',
  RECOGNITION_TIMEOUT_MS: '90000',
  ENGINE_READ_TIMEOUT_MS: '60000',
  LOG_LEVEL: 'log',
};
const workerPorts = [testPort(), testPort()];
let gateway: Running;
let workers: Running[] = [];
const hogs: ChildProcess[] = [];
let photo: Buffer;
let big: Buffer;

const startWorker = (i: number) =>
  startApp(
    'worker',
    {
      ...env,
      WORKER_HTTP_PORT: String(workerPorts[i]),
      NODE_OPTIONS: `--require ${ENGINE_HOLD_HOOK}`,
    },
    WORKER_READY,
  );

/** A process that keeps one core busy until killed (or for 3 minutes at most). */
const hog = () =>
  spawn(process.execPath, ['-e', 'const end = Date.now() + 180000; while (Date.now() < end);'], {
    stdio: 'ignore',
  });

async function stalledJobs(): Promise<number> {
  let stalled = 0;
  for (const p of workerPorts) {
    const text = await (await fetch(`http://127.0.0.1:${p}/metrics`)).text();
    stalled += Number(/job_failures_total\{reason="stalled"\} (\d+)/.exec(text)?.[1] ?? 0);
  }
  return stalled;
}

/** An account on a plan that takes 40-megapixel uploads. */
const bigPhotoAccount = () => api.loadAccount('big', 16 * 1048576);

/** Calls from `key` one after another until `until` settles; every answer. */
async function callsWhile(key: string, until: Promise<unknown>): Promise<Answer[]> {
  let done = false;
  void until.finally(() => (done = true));
  const answers: Answer[] = [];
  while (!done || answers.length < 3) answers.push(await api.read(key, photo));
  return answers;
}

beforeAll(async () => {
  photo = await smallPhoto();
  const original = readFileSync(join(DEV, 'images', 'br', 'AYO9034.jpg'));
  big = await sharp(original).resize(8000, 5000, { fit: 'fill' }).jpeg({ quality: 70 }).toBuffer();
  [gateway, ...workers] = await startTogether([
    startApp('gateway', env, GATEWAY_READY),
    startWorker(0),
    startWorker(1),
  ]);
  for (let i = 0; i < cpus().length * 2; i++) hogs.push(hog());
});

afterAll(async () => {
  for (const h of hogs) h.kill('SIGKILL');
  await Promise.all([gateway, ...workers].map((p) => p?.stop('SIGKILL')));
});

describe('under CPU contention', () => {
  it('while 40-megapixel photos are read, other accounts are served 201 and no job is taken for stalled', async () => {
    const bigKey = await bigPhotoAccount();
    const other = await api.loadAccount('saturation-other');
    const bigCalls = (async () => {
      const answers: Answer[] = [];
      for (let i = 0; i < 3; i++) answers.push(await api.read(bigKey, big, undefined, 90_000));
      return answers;
    })();
    const others = await callsWhile(other, bigCalls);
    const bigAnswers = await bigCalls;
    console.log(
      `saturation: 40 MP reads ${bigAnswers.map((a) => `${a.status} in ${Math.round(a.ms)} ms`).join(', ')}; ` +
        `meanwhile ${others.length} other calls ${JSON.stringify(statuses(others))}, slowest ${Math.round(Math.max(...others.map((a) => a.ms)))} ms`,
    );
    expect(bigAnswers.map((a) => a.status)).toEqual([201, 201, 201]);
    expect(statuses(others)).toEqual({ 201: others.length });
    expect(await stalledJobs()).toBe(0);
    expect(gateway.output()).not.toMatch(/No recognition worker/i);
    expect(await api.usage(bigKey)).toBe(3);
    expect(await api.usage(other)).toBe(others.length);
  });

  it('while one job holds its engine for 30 s, other accounts are served 201 by the other worker', async () => {
    const held = await api.loadAccount('saturation-held');
    const other = await api.loadAccount('saturation-bystander');
    const form = new FormData();
    form.append('upload', new Blob([holdingImage(photo, 30)]), 'car.jpg');
    const started = performance.now();
    const holding = fetch(`${api.base}/v1/plate-reader/`, {
      method: 'POST',
      headers: { Authorization: `Token ${held}` },
      body: form,
    }).then((res) => res.status);
    const others = await callsWhile(other, holding);
    const heldStatus = await holding;
    console.log(
      `saturation: a job held 30 s answered ${heldStatus} after ${Math.round(performance.now() - started)} ms; ` +
        `meanwhile ${others.length} other calls ${JSON.stringify(statuses(others))}, slowest ${Math.round(Math.max(...others.map((a) => a.ms)))} ms`,
    );
    expect(heldStatus).toBe(201);
    expect(statuses(others)).toEqual({ 201: others.length });
    expect(others.length).toBeGreaterThan(10);
    expect(await stalledJobs()).toBe(0);
    expect(gateway.output()).not.toMatch(/No recognition worker/i);
    expect(await api.usage(held)).toBe(1);
  });

  it('a burst of 24 calls from two accounts: every one 201, none stalled', async () => {
    const keys = [await api.loadAccount('burst-a'), await api.loadAccount('burst-b')];
    const answers = await Promise.all(
      Array.from({ length: 24 }, (_, i) => api.read(keys[i % 2], photo)),
    );
    expect(statuses(answers)).toEqual({ 201: 24 });
    expect(await stalledJobs()).toBe(0);
  });

  it('calls whose worker is killed mid-job complete through the other worker, counted once', async () => {
    const key = await bigPhotoAccount();
    const queue = openRecognitionQueue(prefix);
    try {
      // Two at once: each worker (one job at a time) holds one, so whichever dies held a job.
      const calls = [0, 1].map(() => api.read(key, big, undefined, 90_000));
      for (let i = 0; i < 400 && (await queue.activeCount()) < 2; i++) await sleep(25);
      expect(await queue.activeCount()).toBe(2);
      await workers.shift()!.stop('SIGKILL');
      const answers = await Promise.all(calls);
      expect(answers.map((a) => a.status)).toEqual([201, 201]);
      expect(await api.usage(key)).toBe(2);
    } finally {
      await queue.close();
    }
  });
});
