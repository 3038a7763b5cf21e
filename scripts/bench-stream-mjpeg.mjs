#!/usr/bin/env node
// MJPEG sampling benchmark (apps/stream, built): how many frames a second readSource delivers from
// an MJPEG camera over HTTP (multipart/x-mixed-replace, scripts/lib/mjpeg-server.js) sending
// --camera-fps JPEGs a second, sampled at --fps. Every JPEG carries its number
// (scripts/lib/stream-clips.js counterClip), so the frames delivered also say how far apart in the
// camera's stream they were taken (at 5 frames/s sampled at 4: 1 or 2 apart). For each run and
// reader: frames delivered in --seconds from readSource's call, and the median gap between the
// numbers of consecutive frames delivered; medians over --runs.
//
//   pnpm bench:stream-mjpeg [--runs 5] [--seconds 6] [--camera-fps 5] [--fps 4]
//
// BENCH_BASELINE=<another checkout> also reads with that checkout's built apps/stream (its
// ffmpeg arguments), alternating with this one in every run, against the same server.
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
const { jpegFrames, mjpegServer } = require(join(root, 'scripts/lib/mjpeg-server.js'));
const runs = Number(opt('--runs', '5'));
const seconds = Number(opt('--seconds', '6'));
const cameraFps = Number(opt('--camera-fps', '5'));
const fps = Number(opt('--fps', '4'));

const readers = streamReaders(root);

/** One read of `seconds`: frames delivered and the median gap between their numbers. */
async function readFor(source, url) {
  const stop = new AbortController();
  const numbers = [];
  const timer = setTimeout(() => stop.abort(), seconds * 1000);
  await source.readSource(
    { url, fps, maxSide: 320, live: true },
    { onFrame: (f) => void numbers.push(clips.frameNumber(f.rgb, f.width, f.height)) },
    stop.signal,
  );
  clearTimeout(timer);
  return { frames: numbers.length, gap: median(numbers.slice(1).map((n, i) => n - numbers[i])) };
}

const dir = mkdtempSync(join(tmpdir(), 'bench-mjpeg-'));
try {
  // 60 s of numbered frames at the camera's rate (no wrap-around within a run).
  const clip = clips.counterClip({
    out: join(dir, 'counted.mp4'),
    width: 640,
    height: 360,
    fps: cameraFps,
    seconds: 60,
  });
  const { server, url } = await mjpegServer({
    jpegs: jpegFrames(clip, join(dir, 'jpg')),
    fps: cameraFps,
  });
  console.log(
    `MJPEG camera ${cameraFps} frames/s, sampled at ${fps}, ${seconds} s a read, ${runs} runs; load ${loadAverage()}`,
  );
  const results = readers.map(() => []);
  try {
    for (let run = 0; run < runs; run++) {
      for (const [i, [, source]] of readers.entries()) results[i].push(await readFor(source, url));
    }
  } finally {
    server.closeAllConnections();
    server.close();
  }
  for (const [i, [name]] of readers.entries()) {
    const r = results[i];
    const frames = median(r.map((x) => x.frames));
    console.log(
      `${name}: ${frames} frames in ${seconds} s (${(frames / seconds).toFixed(2)}/s; runs ${r
        .map((x) => x.frames)
        .join(' ')}), median gap between frame numbers ${median(r.map((x) => x.gap))}`,
    );
  }
  console.log(`load ${loadAverage()}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
