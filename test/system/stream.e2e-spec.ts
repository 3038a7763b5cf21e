/**
 * apps/stream end to end with real parts: a video made here with ffmpeg from dev photos (each held
 * 2 s, panned or zoomed), read from a file by `platewise stream`, over RTSP from GStreamer's RTSP
 * server (Debian) by the stream service reporting to the built gateway and worker (webhooks to a
 * real HTTP server, usage in /v2/quota/daily), through an RTSP server restart, and over HTTP
 * (MJPEG and HLS).
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { checkEngineResult } from '../../libs/snapshot/src';
import { GATEWAY_READY, Running, startApp, WORKER_READY } from './processes';
import { testPort } from './services';
import { ADMIN_TOKEN, ALLOWED_HOST, cli, DEV, localServer, waitFor } from './snapshot-support';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const clips = require('../../scripts/lib/stream-clips.js');

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'apps', 'cli', 'dist', 'main.js');
const STREAM = join(ROOT, 'apps', 'stream', 'dist', 'main.js');
const RTSP_SERVER = join(ROOT, 'test', 'support', 'rtsp-server.py');
const PHOTOS = 4;

interface StreamEvent {
  camera_id: string;
  timestamp: string;
  first_seen: string;
  last_seen: string;
  frames: number;
  direction: number | null;
  results: Array<Record<string, unknown> & { plate: string; direction: number | null }>;
}

const norm = (s: string) => s.toUpperCase().replace(/[^A-Z0-9]/g, '');
const lines = (path: string): StreamEvent[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));

/** A child process with its output kept, and a promise of its exit code. */
function run(cmd: string, args: string[], env: Record<string, string> = {}) {
  const child = spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout!.on('data', (c) => (log += c));
  child.stderr!.on('data', (c) => (log += c));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, exited, log: () => log };
}

function startRtsp(port: number, file: string): Promise<ChildProcess> {
  const p = run('/usr/bin/python3', [RTSP_SERVER, String(port), 'cam', file]);
  return waitFor(() => p.log().includes('rtsp ready'), 10_000).then(() => p.child);
}

function stop(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  return new Promise((resolve) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

describe('stream: video into one event per vehicle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'platewise-stream-'));
  let manifest: Array<{ plate: string; direction: number | null; motion: string }>;
  let clip: string;

  beforeAll(() => {
    const photos = clips.devPhotos(DEV).slice(0, PHOTOS);
    ({ clip, manifest } = clips.makeClip({ devDir: DEV, photos, outDir: join(dir, 'clip') }));
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('platewise stream reads a file to its end: one event per photo, the right plate, direction on pans', async () => {
    const out = join(dir, 'file.jsonl');
    const frames = join(dir, 'best-frames');
    const start = '2026-01-01T00:00:00.000Z';
    const p = run(process.execPath, [
      CLI,
      'stream',
      clip,
      '--camera-id',
      'file-cam',
      '--out',
      out,
      '--start-time',
      start,
      '--frames-dir',
      frames,
    ]);
    expect(await p.exited).toBe(0);
    const events = lines(out);
    expect(p.log()).toContain(`${events.length} event(s)`);
    for (const e of events) {
      expect(Object.keys(e)).toEqual([
        'camera_id',
        'timestamp',
        'first_seen',
        'last_seen',
        'frames',
        'direction',
        'results',
        'best_frame',
      ]);
      // the frame its best read came from, as a JPEG of the clip's frame size (the engine reads
      // the frames' pixels; a JPEG is made only of a frame with a plate on it)
      const best = await sharp(join(frames, e.best_frame)).metadata();
      expect([best.format, best.width, best.height]).toEqual(['jpeg', 1280, 720]);
      expect(e.camera_id).toBe('file-cam');
      expect(e.frames).toBeGreaterThanOrEqual(2);
      expect(Date.parse(e.first_seen)).toBeLessThanOrEqual(Date.parse(e.timestamp));
      expect(Date.parse(e.timestamp)).toBeLessThanOrEqual(Date.parse(e.last_seen));
      // Each result is a Snapshot plate result, plus the direction.
      const { direction, ...result } = e.results[0];
      expect(direction).toBe(e.direction);
      expect(checkEngineResult({ processing_time: 0, results: [result] }).errors).toEqual([]);
    }
    // The file's frames are timed from --start-time by its own timeline: each photo's 2 s.
    const score = clips.scoreEvents(events, manifest, Date.parse(start));
    expect(score.read).toBeGreaterThanOrEqual(PHOTOS - 1);
    expect(score.duplicated).toBe(0);
    expect(score.directionOk).toBe(score.panned);
  }, 120_000);

  describe('the stream service over RTSP, reporting to the gateway', () => {
    const port = testPort();
    const base = `http://127.0.0.1:${port}`;
    const env = {
      PORT: String(port),
      ADMIN_TOKEN,
      FETCH_ALLOW_HOSTS: ALLOWED_HOST,
      WEBHOOK_ATTEMPTS: '3',
      WEBHOOK_BACKOFF_MS: '300',
    };
    let gateway: Running;
    let worker: Running;
    let rtsp: ChildProcess | undefined;

    beforeAll(async () => {
      [gateway, worker] = await Promise.all([
        startApp('gateway', env, GATEWAY_READY),
        startApp('worker', env, WORKER_READY),
      ]);
      cli('plans');
    }, 90_000);
    afterAll(async () => {
      await stop(rtsp);
      await Promise.all([gateway?.stop(), worker?.stop()]);
    });

    it('events reach the webhook, are counted once each, resume after the RTSP server restarts, and SIGTERM flushes', async () => {
      const { apiKey } = cli('account', 'create', `stream-${Date.now()}`, '--plan', 'business');
      const hooks = await localServer(() => [200, {}, 'ok']);
      const added = await fetch(`${base}/v1/webhooks/`, {
        method: 'POST',
        headers: { Authorization: `Token ${apiKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ target: `${hooks.url}/stream`, include_image: false }),
      });
      expect(added.status).toBe(201);
      const rtspPort = testPort();
      const metricsPort = testPort();
      const deadPort = testPort();
      rtsp = await startRtsp(rtspPort, clip);
      const out = join(dir, 'rtsp.jsonl');
      const config = join(dir, 'stream.yaml');
      writeFileSync(
        config,
        [
          'cameras:',
          `  - id: gate`,
          `    url: rtsp://127.0.0.1:${rtspPort}/cam`,
          '    fps: 4',
          // The same camera over UDP, and one that never answers: it must not stop the others.
          `  - id: gate-udp`,
          `    url: rtsp://127.0.0.1:${rtspPort}/cam`,
          '    rtsp_transport: udp',
          '    fps: 2',
          `  - id: dead`,
          `    url: rtsp://127.0.0.1:${deadPort}/cam`,
          `out: ${out}`,
          `port: ${metricsPort}`,
          'gateway:',
          `  url: ${base}`,
        ].join('\n'),
      );
      const stream = run(process.execPath, [STREAM, config], { PLATEWISE_API_KEY: apiKey });
      const delivered = () =>
        hooks.received
          .map((r) => JSON.parse(r.body.toString()))
          .filter((b) => b.hook.event === 'stream.event');
      try {
        const from = (camera: string) => delivered().filter((b) => b.data.camera_id === camera);
        await waitFor(() => from('gate').length >= 2 && from('gate-udp').length >= 1, 60_000, 200);
        const first = from('gate')[0];
        expect(first.data.results[0]).toHaveProperty('direction');
        const health = await fetch(`http://127.0.0.1:${metricsPort}/health`);
        expect(health.status).toBe(200);
        const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
        expect(metrics).toMatch(/platewise_stream_frames_decoded_total\{camera="gate"\} [1-9]/);
        expect(metrics).toMatch(/platewise_stream_events_total\{camera="gate"\} [1-9]/);
        expect(metrics).toMatch(/platewise_stream_reconnects_total\{camera="dead"\} [1-9]/);
        expect(metrics).toMatch(/platewise_stream_camera_up\{camera="dead"\} 0/);

        // The RTSP server goes away for 3 s and comes back: events resume within 10 s.
        await stop(rtsp);
        await new Promise((r) => setTimeout(r, 3000));
        rtsp = await startRtsp(rtspPort, clip);
        const restarted = Date.now();
        await waitFor(
          () => delivered().some((b) => Date.parse(b.data.first_seen) >= restarted),
          10_000,
          100,
        );
        const resumed = delivered().find((b) => Date.parse(b.data.first_seen) >= restarted);
        process.stdout.write(
          `stream e2e: first event after the RTSP restart in ${(Date.parse(resumed.data.last_seen) - restarted) / 1000} s of video, delivered ${(Date.now() - restarted) / 1000} s after\n`,
        );
        expect(stream.log()).toMatch(/camera gate: lost/);
      } finally {
        stream.child.kill('SIGTERM');
      }
      expect(await stream.exited).toBe(0);
      expect(stream.log()).toMatch(/SIGTERM: ending open tracks/);
      const written = lines(out);
      // Every event written was delivered to the webhook once and counted once as `stream`.
      await waitFor(() => delivered().length >= written.length, 20_000, 200);
      const key = (e: StreamEvent) => `${e.timestamp}/${e.results[0].plate}`;
      expect(
        delivered()
          .map((b) => key(b.data))
          .sort(),
      ).toEqual(written.map(key).sort());
      const daily = await (
        await fetch(`${base}/v2/quota/daily`, { headers: { Authorization: `Token ${apiKey}` } })
      ).json();
      expect(daily.quota.stream.count).toBe(written.length);
      expect(daily.quota.plate_reader.count).toBe(0);
      const plates = new Set(manifest.map((m) => norm(m.plate)));
      expect(
        written.filter((e) => plates.has(norm(e.results[0].plate))).length,
      ).toBeGreaterThanOrEqual(3);
      await hooks.close();
    }, 180_000);
  });

  it('the service reads a file:// camera once, as a file, and stops when it ends', async () => {
    const out = join(dir, 'file-url.jsonl');
    const config = join(dir, 'file-url.yaml');
    writeFileSync(
      config,
      ['cameras:', '  - id: recorded', `    url: file://${clip}`, `out: ${out}`, 'port: 0'].join(
        '\n',
      ),
    );
    const p = run(process.execPath, [STREAM, config]);
    const ended = await Promise.race([
      p.exited,
      new Promise<'running'>((r) => setTimeout(() => r('running'), 60_000)),
    ]);
    await stop(p.child);
    expect(ended).toBe(0);
    expect(p.log()).not.toMatch(/camera recorded: lost/);
    // Read once: the photos' plates, each in one event.
    const plates = new Set(manifest.map((m) => norm(m.plate)));
    const right = lines(out)
      .map((e) => norm(e.results[0].plate))
      .filter((plate) => plates.has(plate));
    expect(new Set(right).size).toBe(right.length);
    expect(right.length).toBeGreaterThanOrEqual(PHOTOS - 1);
  }, 90_000);

  it('while the gateway is away, the out file still gets each event as it comes, and SIGTERM gives up the rest in time', async () => {
    const rtspPort = testPort();
    const gatewayPort = testPort(); // nothing listens there
    const server = await startRtsp(rtspPort, clip);
    const out = join(dir, 'away.jsonl');
    const config = join(dir, 'away.yaml');
    writeFileSync(
      config,
      [
        'cameras:',
        '  - id: away',
        `    url: rtsp://127.0.0.1:${rtspPort}/cam`,
        `out: ${out}`,
        'port: 0',
        'gateway:',
        `  url: http://127.0.0.1:${gatewayPort}`,
      ].join('\n'),
    );
    const stream = run(process.execPath, [STREAM, config], { PLATEWISE_API_KEY: 'k' });
    const written = () => {
      try {
        return lines(out).length;
      } catch {
        return 0;
      }
    };
    try {
      // Each event's delivery is retried for 15 s: the file must not wait for it.
      await waitFor(() => written() >= 3, 30_000, 200).catch(() => {
        throw new Error(`${written()} event(s) written in 30 s:\n${stream.log()}`);
      });
      const stopping = Date.now();
      stream.child.kill('SIGTERM');
      expect(await stream.exited).toBe(0);
      // 20 s for the deliveries still waiting, then they are given up (Kubernetes waits 60 s).
      expect(Date.now() - stopping).toBeLessThan(35_000);
      const lost = stream.log().match(/camera away: event of \S+ not delivered/g) ?? [];
      expect(lost).toHaveLength(written());
    } finally {
      await stop(stream.child);
      await stop(server);
    }
  }, 120_000);

  it('reads HTTP sources: an MJPEG camera and an HLS playlist', async () => {
    const frames = join(dir, 'mjpeg');
    const hls = join(dir, 'hls');
    execFileSync('mkdir', ['-p', frames, hls]);
    execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-i',
      clip,
      '-vf',
      'fps=5',
      '-q:v',
      '4',
      join(frames, '%04d.jpg'),
    ]);
    execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-i',
      clip,
      '-c',
      'copy',
      '-f',
      'hls',
      '-hls_time',
      '2',
      '-hls_list_size',
      '0',
      '-hls_playlist_type',
      'vod',
      join(hls, 'index.m3u8'),
    ]);
    const jpegs = readdirSync(frames)
      .sort()
      .map((f) => readFileSync(join(frames, f)));
    const server: Server = createServer((req, res) => {
      if (req.url === '/mjpeg') {
        // A camera's MJPEG: multipart/x-mixed-replace, one JPEG part every 200 ms, looping.
        res.writeHead(200, { 'Content-Type': 'multipart/x-mixed-replace; boundary=frame' });
        let i = 0;
        const timer = setInterval(() => {
          const jpeg = jpegs[i++ % jpegs.length];
          res.write(
            `--frame\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`,
          );
          res.write(jpeg);
          res.write('\r\n');
        }, 200);
        req.on('close', () => clearInterval(timer));
        return;
      }
      const file = join(
        hls,
        (req.url ?? '').replace(/^\/hls\//, '').replace(/[^A-Za-z0-9._-]/g, ''),
      );
      try {
        res.writeHead(200).end(readFileSync(file));
      } catch {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      for (const [name, source] of [
        ['mjpeg', `${url}/mjpeg`],
        ['hls', `${url}/hls/index.m3u8`],
      ]) {
        const out = join(dir, `${name}.jsonl`);
        const p = run(process.execPath, [
          CLI,
          'stream',
          source,
          '--camera-id',
          'web',
          '--out',
          out,
        ]);
        // A live source runs until stopped: wait for two right plates, then SIGINT flushes.
        const plates = new Set(manifest.map((m) => norm(m.plate)));
        const right = () => {
          try {
            return lines(out).filter((e) => plates.has(norm(e.results[0].plate))).length;
          } catch {
            return 0;
          }
        };
        try {
          await waitFor(() => right() >= 2, 60_000, 200).catch(() => {
            throw new Error(`${source}: no events:\n${p.log()}`);
          });
          p.child.kill('SIGINT');
          const code = await p.exited;
          if (code !== 0) throw new Error(`${source}: exit ${code}:\n${p.log()}`);
        } finally {
          // a failed wait must not leave the CLI reconnecting: it would keep jest from exiting
          await stop(p.child);
        }
      }
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }, 180_000);
});
