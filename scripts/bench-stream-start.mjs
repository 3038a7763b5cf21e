#!/usr/bin/env node
// Stream start benchmark (apps/stream, built): what a camera's (re)connection costs over RTSP.
// GStreamer's RTSP server (test/support/rtsp-server.py, as in the e2e test) serves each client a
// clip from its start in real time; every frame of the clip carries its number
// (scripts/lib/stream-clips.js counterClip: 1080p, 25 frames/s, 4 Mbit/s, a key frame every
// --gop frames), so the frames readSource delivers (4 frames/s, longest side 1280, as a camera's
// defaults) say which frames of the session they are. For each run:
//  - first frame: ms from readSource's call (ffmpeg's start) to the first frame delivered;
//  - lost: how much of the session came before the first frame delivered (s of video). Sampling
//    at 4 frames/s, the first sampled frame is the last of the first quarter second (0.12–0.16 s)
//    even when nothing is lost.
// Two clips: one that starts with a key frame (the server's session starts there), and one that
// starts half a GOP before its first key frame, as a camera joined at a random moment does on
// average: the frames before that key frame cannot be decoded by anyone (inherent: the camera's
// key frame interval).
//
//   pnpm bench:stream-start [--runs 7] [--gop 50] [--transport tcp|udp]
//
// BENCH_BASELINE=<another checkout> also reads with that checkout's built apps/stream (its
// ffmpeg arguments), alternating with this one in every run, against the same server and clips.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadAverage } from './lib/load-average.mjs';
import { median, streamReaders } from './lib/stream-readers.mjs';
import { opt } from './lib/cli-args.mjs';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const clips = require(join(root, 'scripts/lib/stream-clips.js'));
const runs = Number(opt('--runs', '7'));
const gop = Number(opt('--gop', '50'));
const transport = opt('--transport', 'tcp');
const FPS = 25;

const readers = streamReaders(root);

/**
 * GStreamer's RTSP server on `port` (0: a free one), serving `file`; resolves with it, its port
 * and URL, and when it said it was ready.
 */
function rtspServer(file, port = 0) {
  const child = spawn(
    '/usr/bin/python3',
    [join(root, 'test/support/rtsp-server.py'), String(port), 'cam', file],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((ok, fail) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /rtsp ready (\d+)/.exec(out);
      if (m) {
        const ready = performance.now();
        ok({ child, ready, port: Number(m[1]), url: `rtsp://127.0.0.1:${m[1]}/cam` });
      }
    });
    child.once('exit', (code) => fail(new Error(`rtsp-server.py exited with ${code}`)));
  });
}

const kill = (child) =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGKILL');
  });

/**
 * A restart: the first frame comes, the server is killed, and started again 3 s later on its
 * port; ms from its "rtsp ready" to the next frame delivered, and that frame's number.
 */
async function restart(source, file) {
  let server = await rtspServer(file);
  const stop = new AbortController();
  let phase = 'first';
  let firstMs = null;
  const numbers = [];
  const limit = setTimeout(() => stop.abort(), 30_000);
  await source.readSource(
    { url: server.url, fps: 4, maxSide: 1280, live: true, rtspTransport: transport },
    {
      onFrame: (f) => {
        if (phase === 'first') {
          phase = 'down';
          void (async () => {
            await kill(server.child);
            await new Promise((r) => setTimeout(r, 3000));
            server = await rtspServer(file, server.port);
            phase = 'back';
          })();
        } else if (phase === 'back') {
          firstMs ??= performance.now() - server.ready;
          numbers.push(clips.frameNumber(f.rgb, f.width, f.height));
          if (numbers.length === 3) stop.abort();
        }
      },
    },
    stop.signal,
  );
  clearTimeout(limit);
  await kill(server.child);
  return { firstMs, numbers };
}

/** One connection: ms to the first frame and the first frames' numbers. */
async function once(source, url) {
  const stop = new AbortController();
  const numbers = [];
  let firstMs = null;
  const started = performance.now();
  const limit = setTimeout(() => stop.abort(), 20_000);
  await source.readSource(
    { url, fps: 4, maxSide: 1280, live: true, rtspTransport: transport },
    {
      onFrame: (f) => {
        firstMs ??= performance.now() - started;
        numbers.push(clips.frameNumber(f.rgb, f.width, f.height));
        if (numbers.length === 3) stop.abort();
      },
    },
    stop.signal,
  );
  clearTimeout(limit);
  return { firstMs, numbers };
}

const spread = (xs, digits) =>
  `median ${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;

const dir = mkdtempSync(join(tmpdir(), 'platewise-bench-stream-start-'));
try {
  const fromKey = clips.counterClip({
    out: join(dir, 'clip.mp4'),
    width: 1920,
    height: 1080,
    fps: FPS,
    seconds: 12,
    gop,
    bitrate: '4M',
  });
  // The same clip less its first half GOP: the session starts on frame gop/2, a P-frame.
  const skipped = Math.floor(gop / 2);
  const midGop = join(dir, 'mid-gop.mp4');
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-y', '-i', fromKey, '-c', 'copy'],
    ...['-bsf:v', `noise=drop='lt(n\\,${skipped})'`, '-avoid_negative_ts', 'make_zero', midGop],
  ]);
  console.log(
    `RTSP over ${transport}, 1080p 25 frames/s 4 Mbit/s, a key frame every ${gop} frames; ` +
      `${runs} runs, alternating; load average ${loadAverage()}`,
  );
  for (const [name, file, firstServed] of [
    ['session starts on a key frame', fromKey, 0],
    [`session starts ${gop - skipped} frames before a key frame`, midGop, skipped],
  ]) {
    const server = await rtspServer(file);
    try {
      const results = readers.map(() => []);
      for (let run = 0; run < runs; run++) {
        for (const [i, [, source]] of readers.entries()) {
          const r = await once(source, server.url);
          results[i].push(r);
          console.log(
            `  ${name}, ${readers[i][0]}: ${Math.round(r.firstMs)} ms, frames ${r.numbers.join(' ')}`,
          );
        }
      }
      console.log(`${name}:`);
      for (const [i, [reader]] of readers.entries()) {
        const ok = results[i].filter((r) => r.firstMs !== null);
        const lost = ok.map((r) => (r.numbers[0] - firstServed) / FPS);
        console.log(
          `  ${reader}: first frame ${spread(
            ok.map((r) => r.firstMs / 1000),
            2,
          )} s after ffmpeg's start; session lost before it ${spread(lost, 2)} s of video` +
            (ok.length < results[i].length
              ? `; ${results[i].length - ok.length} run(s) got no frame`
              : ''),
        );
      }
    } finally {
      server.child.kill('SIGKILL');
    }
  }
  const results = readers.map(() => []);
  for (let run = 0; run < runs; run++) {
    for (const [i, [reader, source]] of readers.entries()) {
      const r = await restart(source, fromKey);
      results[i].push(r);
      console.log(
        `  restart, ${reader}: ${Math.round(r.firstMs)} ms after "rtsp ready", frames ${r.numbers.join(' ')}`,
      );
    }
  }
  console.log('the server restarted (down 3 s):');
  for (const [i, [reader]] of readers.entries()) {
    const ok = results[i].filter((r) => r.firstMs !== null);
    console.log(
      `  ${reader}: first frame ${spread(
        ok.map((r) => r.firstMs / 1000),
        2,
      )} s after the server was back; session lost before it ${spread(
        ok.map((r) => r.numbers[0] / FPS),
        2,
      )} s of video` +
        (ok.length < results[i].length
          ? `; ${results[i].length - ok.length} run(s) got no frame`
          : ''),
    );
  }
  console.log(`load average ${loadAverage()}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
