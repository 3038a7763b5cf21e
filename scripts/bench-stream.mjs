#!/usr/bin/env node
// Stream benchmark (apps/stream, built): videos made with ffmpeg from the dev photos
// (scripts/lib/stream-clips.js: each photo held 2 s, panned or zoomed), read as files by the
// stream pipeline at its default settings (4 frames/s sampled, longest side 1280, the engine in
// its thread with 2 ONNX threads) in this process:
//  1. speed: a 1080p 25 fps camera (--speed-photos photos, 2 s each): frames/s decoded (by ffmpeg,
//     all 25/s) and sampled, frames/s analysed, events, CPU (this process: decoding loop, gate,
//     tracker and the engine thread; ffmpeg: its own), peak RSS, and the real-time factor
//     (wall time / video time; below 1 is faster than real time);
//  2. a still scene (one photo with sensor noise, 1080p 25 fps, 30 s): CPU per second of video,
//     in % of one core, with the motion gate (the default: ffmpeg leaves unchanged frames out,
//     the gate in Node checks the rest), the same for a clip without B-frames, and without the
//     gate (every sampled frame converted and read), and their ratio;
//  3. accuracy over all the dev photos (1280×720): % of photos whose plate is in one event, % with
//     duplicate events, % of panned photos whose direction is within ±45°, extra events.
//
//   pnpm bench:stream [--speed-photos 10] [--photos N] [--skip-speed] [--skip-still] [--skip-accuracy] [--keep DIR] [--events FILE]
//
// Clips are cached in --keep (default: $TMPDIR/platewise-bench-stream). Other CPU-heavy
// processes skew these figures; stop them while measuring.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { args, opt } from './lib/cli-args.mjs';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const stream = require(join(root, 'apps/stream/dist/index.js'));
const clips = require(join(root, 'scripts/lib/stream-clips.js'));
const dev = resolve(root, process.env.PLATEWISE_DEV_SET || '../shared/alpr-dev');
const keep = opt('--keep', join(tmpdir(), 'platewise-bench-stream'));
const speedPhotos = Number(opt('--speed-photos', '10'));
const rows = clips.devPhotos(dev);
const accuracyPhotos = Number(opt('--photos', String(rows.length)));
const TICK = 100; // clock ticks per second in /proc/<pid>/stat (CLK_TCK on Linux)

/** A clip, made once per set of parameters. */
function clip(name, make) {
  const dir = join(keep, name);
  if (existsSync(join(dir, 'manifest.json')) && existsSync(join(dir, 'clip.mp4'))) {
    return {
      clip: join(dir, 'clip.mp4'),
      manifest: JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')),
    };
  }
  return make(dir);
}

/** CPU seconds of this process (all threads) and of its waited-for children (ffmpeg). */
function cpu() {
  const f = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // Fields after "(comm) ": state is [0]; utime [11], stime [12], cutime [13], cstime [14].
  return {
    self: (Number(f[11]) + Number(f[12])) / TICK,
    children: (Number(f[13]) + Number(f[14])) / TICK,
  };
}

/** Resident memory (MB) of this process and of its child processes, sampled. */
function rss() {
  const kb = (pid) => {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) : 0;
    } catch {
      return 0;
    }
  };
  let children = 0;
  for (const task of readdirSync('/proc/self/task')) {
    let list = '';
    try {
      list = readFileSync(`/proc/self/task/${task}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const pid of list.trim().split(/\s+/).filter(Boolean)) children += kb(pid);
  }
  return { self: kb('self') / 1024, children: children / 1024 };
}

let engine;

/** Reads a file through the stream pipeline; returns events, counters, wall and CPU time, peak RSS. */
async function readFile(file, { id, motionGate = true, startedAt = 0, sampleRss = true } = {}) {
  const metrics = new stream.StreamMetrics(false);
  const events = [];
  const camera = stream.parseConfig({ cameras: [{ id, url: file, live: false }] }).cameras[0];
  const pipeline = new stream.CameraPipeline(camera, {
    engine,
    maxSide: 1280,
    tracker: stream.DEFAULT_TRACKER,
    keepFrames: false,
    onEvent: async (e) => void events.push(e),
    metrics,
    motionGate,
  });
  const peak = { self: 0, children: 0 };
  // Reading /proc for every thread's children costs CPU of its own: not while measuring the still scene.
  const sampler = setInterval(() => {
    if (!sampleRss) return;
    const r = rss();
    peak.self = Math.max(peak.self, r.self);
    peak.children = Math.max(peak.children, r.children);
  }, 250);
  const c0 = cpu();
  const t0 = performance.now();
  await pipeline.run(undefined, startedAt);
  const wall = (performance.now() - t0) / 1000;
  const c1 = cpu();
  clearInterval(sampler);
  const count = async (m) => (await m.get()).values.reduce((n, v) => n + v.value, 0);
  return {
    events,
    wall,
    cpuSelf: c1.self - c0.self,
    cpuFfmpeg: c1.children - c0.children,
    decoded: await count(metrics.decoded),
    analysed: await count(metrics.analysed),
    still: await count(metrics.still),
    peak,
  };
}

const pct = (a, b) => (b ? ((100 * a) / b).toFixed(1) : '–');
const f1 = (x) => x.toFixed(1);
const f2 = (x) => x.toFixed(2);

console.log(
  `bench:stream — ${new Date().toISOString()}, ${require('node:os').cpus().length} CPUs, clips in ${keep}`,
);
engine = await stream.createStreamEngine(process.env);
console.log(`engine loaded in ${(engine.loadTimeMs / 1000).toFixed(1)} s (its own thread)`);

// 1. speed: one 1080p 25 fps camera.
if (!args.includes('--skip-speed')) {
  const { clip: file } = clip(`speed-1080p-${speedPhotos}`, (dir) =>
    clips.makeClip({
      devDir: dev,
      photos: rows.slice(0, speedPhotos),
      outDir: dir,
      width: 1920,
      height: 1080,
    }),
  );
  const seconds = speedPhotos * 2;
  const r = await readFile(file, { id: 'speed' });
  console.log(
    `\n1. one 1080p 25 fps camera, ${seconds} s of video (${speedPhotos} photos), default settings`,
  );
  console.log(
    `   decoded by ffmpeg   ${f1((25 * seconds) / r.wall)} frames/s (${25 * seconds} frames)`,
  );
  console.log(
    `   sampled (4/s)       ${f1(r.decoded / r.wall)} frames/s (${r.decoded} frames, ${r.still} still)`,
  );
  console.log(`   analysed            ${f1(r.analysed / r.wall)} frames/s (${r.analysed} frames)`);
  console.log(`   events              ${r.events.length}`);
  console.log(
    `   CPU                 ${f2(r.cpuSelf)} s stream process + ${f2(r.cpuFfmpeg)} s ffmpeg = ${pct(r.cpuSelf + r.cpuFfmpeg, seconds)} % of one core per second of video`,
  );
  console.log(
    `   peak RSS            ${f1(r.peak.self)} MB stream process, ${f1(r.peak.children)} MB ffmpeg`,
  );
  console.log(
    `   real-time factor    ${f2(r.wall / seconds)} (wall ${f1(r.wall)} s / video ${seconds} s; target ≤ 0.7)`,
  );
  // The wall-clock factor moves with whatever else the machine runs; the CPU one does not.
  const cores = require('node:os').cpus().length;
  console.log(
    `   CPU-bound factor    ${f2((r.cpuSelf + r.cpuFfmpeg) / seconds / cores)} (CPU s / video s / ${cores} cores: the real-time factor of an idle machine, were every core busy)`,
  );
}

// 2. a still scene, with and without the motion gate.
if (!args.includes('--skip-still')) {
  /** 30 s of one photo with sensor noise, 1080p 25 fps H.264; `bframes` 0 as most IP cameras send. */
  const still = (name, bframes) => {
    const dir = join(keep, 'still-1080p');
    const file = join(dir, `${name}.mp4`);
    if (existsSync(file)) return file;
    execFileSync('mkdir', ['-p', dir]);
    execFileSync('ffmpeg', [
      '-loglevel',
      'error',
      '-y',
      '-loop',
      '1',
      '-t',
      '30',
      '-i',
      join(dev, rows[0].image),
      '-vf',
      'scale=1920:1080:force_original_aspect_ratio=decrease,pad=1920:1080:(ow-iw)/2:(oh-ih)/2,noise=alls=4:allf=t,format=yuv420p',
      '-r',
      '25',
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-g',
      '50',
      ...(bframes === null ? [] : ['-bf', String(bframes)]),
      file,
    ]);
    return file;
  };
  const withB = still('still', null);
  const withoutB = still('still-no-bframes', 0);
  const gated = await readFile(withB, { id: 'still', sampleRss: false });
  const gatedNoB = await readFile(withoutB, { id: 'still-no-b', sampleRss: false });
  const ungated = await readFile(withB, {
    id: 'still-no-gate',
    motionGate: false,
    sampleRss: false,
  });
  const core = (r) => (100 * (r.cpuSelf + r.cpuFfmpeg)) / 30;
  const line = (r) =>
    `${f1(core(r))} % of one core (${r.analysed} of ${r.decoded} frames read; ffmpeg ${f2(r.cpuFfmpeg)} s, stream ${f2(r.cpuSelf)} s)`;
  console.log('\n2. a still scene (1080p 25 fps, 30 s, sensor noise): CPU per second of video');
  console.log(`   motion gate on      ${line(gated)}  target ≤ 10 %`);
  console.log(`   the same, no B-frames (as most IP cameras send)  ${line(gatedNoB)}`);
  console.log(`   motion gate off     ${line(ungated)}: every sampled frame converted and read`);
  console.log(`   gate on / off       ${f2(core(gated) / core(ungated))}×`);
}

// 3. accuracy over the dev photos.
if (!args.includes('--skip-accuracy')) {
  const n = Math.min(accuracyPhotos, rows.length);
  const { clip: file, manifest } = clip(`accuracy-720p-${n}`, (dir) =>
    clips.makeClip({ devDir: dev, photos: rows.slice(0, n), outDir: dir }),
  );
  const startedAt = Date.parse('2026-01-01T00:00:00Z');
  const r = await readFile(file, { id: 'accuracy', startedAt });
  const s = clips.scoreEvents(r.events, manifest, startedAt);
  const dump = opt('--events');
  if (dump) writeFileSync(dump, r.events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const sets = {};
  for (const m of manifest) {
    sets[m.set] ??= { n: 0, read: 0 };
    sets[m.set].n++;
  }
  const misses = new Set(s.misses);
  for (const m of manifest) if (!misses.has(m.plate)) sets[m.set].read++;
  console.log(
    `\n3. accuracy: ${n} dev photos, 2 s each (1280×720 25 fps, ${f1(r.wall)} s to read)`,
  );
  console.log(
    `   right plate in an event   ${pct(s.read, s.photos)} % (${s.read}/${s.photos}; ${Object.entries(
      sets,
    )
      .map(([k, v]) => `${k} ${v.read}/${v.n}`)
      .join(', ')})  target ≥ 90 %`,
  );
  console.log(
    `   duplicate events          ${pct(s.duplicated, s.photos)} % of photos (${s.duplicated})  target ≤ 5 %`,
  );
  console.log(
    `   direction within ±45°     ${pct(s.directionOk, s.panned)} % of panned photos read (${s.directionOk}/${s.panned})`,
  );
  console.log(
    `   events                    ${s.events} (${s.events - s.read - s.duplicated} not a photo's plate)`,
  );
  if (s.misses.length) console.log(`   missed: ${s.misses.join(' ')}`);
}

await engine.close();
