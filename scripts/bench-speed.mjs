#!/usr/bin/env node
// Speed benchmark: today's engine (the engine as it was at a pinned commit, built beside this
// checkout by scripts/lib/pinned-engine.mjs) and this checkout's, side by side in ONE run, because
// absolute times on shared machines drift 2–3× from minute to minute. Each engine lives in a child
// process of its own (its own heap, garbage collector and thread pools, so one engine's leftovers
// do not land on the other's clock); the parent hands them the dev photos in turns, photo by photo
// (the order alternating), so drift hits both alike. Printed per mode (regular, fast) and per
// subset (every photo; photos under 0.5 megapixel; the rest): p50/p90 wall ms per engine.read
// (decode included), the new/old ratios, the CPU ms per read (all threads of the process: less
// sensitive to other load than wall time), and at the end each process's peak RSS.
//
//   pnpm bench:speed [--rounds 2] [--threads 2] [--old-commit REV]
//   pnpm bench:speed --thread   this checkout's engine in process (old) against the same engine
//                               in a worker thread of its own (new), as workers run it
//   pnpm bench:speed --old-recognizer ensemble   old: this checkout's engine reading with another
//                               recognizer (issue 10's comparison: ensemble against cct)
//
// --old-commit: default TODAY below, main when issue 27 ("Reading v3") was taken up; the pinned
// build needs this checkout's git history and its installed weights (the pinned manifest's files).
// Other CPU-heavy processes skew these figures; stop them while measuring.
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pinnedEngine } from './lib/pinned-engine.mjs';
import { readDevRows } from './lib/dev-labels.mjs';
import { args, opt } from './lib/cli-args.mjs';

/** main when issue 27 was taken up: "today's engine" of its acceptance (bench:speed item). */
const TODAY = 'c1074dba5ff6fdca27dc2793d3782bad19861327';
/** photos with fewer pixels than this form the small-photo subset (issue 27: under 0.5 MP) */
const SMALL = 500_000;

const root = resolve(import.meta.dirname, '..');
const dev = resolve(root, process.env.PLATEWISE_DEV_SET || '../shared/alpr-dev');
const threads = Number(opt('--threads', '2'));
const rows = readDevRows(dev);
const hints = { us: ['us'], br: ['br'], eu: ['sk', 'cz', 'pl', 'gb', 'de'] };

if (args.includes('--child')) await child();
else await parent();

/** One engine: loads, then reads the photo the parent names and answers its wall and CPU ms. */
async function child() {
  const entry = opt('--child');
  const modelsDir = opt('--models');
  const recognizer = opt('--recognizer');
  const { createEngine, createThreadedEngine } = createRequire(import.meta.url)(entry);
  const images = rows.map((r) => readFileSync(join(dev, r.image)));
  const t0 = performance.now();
  const engine = args.includes('--threaded')
    ? await createThreadedEngine({ threads, readTimeoutMs: 600_000 })
    : await createEngine({
        threads,
        ...(modelsDir ? { modelsDir } : {}),
        ...(recognizer ? { recognizer } : {}),
      });
  process.send({ ready: true, loadMs: performance.now() - t0, recognizer: engine.recognizer });
  process.on('message', async (m) => {
    if (m.end) {
      await engine.close();
      process.send({ maxRssMb: process.resourceUsage().maxRSS / 1024 });
      process.disconnect();
      return;
    }
    const cpu0 = process.cpuUsage();
    const t = performance.now();
    await engine.read(images[m.i], { regions: hints[rows[m.i].set], config: { mode: m.mode } });
    const ms = performance.now() - t;
    const cpu = process.cpuUsage(cpu0);
    process.send({ ms, cpuMs: (cpu.user + cpu.system) / 1000 });
  });
}

async function parent() {
  const rounds = Number(opt('--rounds', '2'));
  const threaded = args.includes('--thread');
  const here = join(root, 'libs/engine/dist/index.js');
  let oldArgs = ['--child', here];
  let oldName = 'this checkout, in process';
  const oldRecognizer = opt('--old-recognizer');
  if (oldRecognizer) {
    oldArgs = ['--child', here, '--recognizer', oldRecognizer];
    oldName = 'this checkout';
  } else if (!threaded) {
    const pin = pinnedEngine(root, opt('--old-commit', TODAY));
    oldArgs = ['--child', pin.entry, '--models', pin.modelsDir];
    oldName = `today's engine (${pin.commit.slice(0, 10)}, pinned build)`;
  }
  const newArgs = ['--child', here, ...(threaded ? ['--threaded'] : [])];
  const spawnEngine = (extra) => {
    const c = fork(import.meta.filename, [...extra, '--threads', String(threads)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    // answers in order: a message that comes before its question (the ready one) waits here
    const inbox = [];
    let waiting = null;
    c.on('message', (m) => {
      if (waiting) {
        const w = waiting;
        waiting = null;
        w(m);
      } else inbox.push(m);
    });
    c.on('exit', (code) => {
      if (code) {
        console.error(`engine process exited with ${code}`);
        process.exit(1);
      }
    });
    const ask = (msg) =>
      new Promise((res) => {
        if (msg) c.send(msg);
        if (inbox.length) res(inbox.shift());
        else waiting = res;
      });
    return { ask };
  };
  const engines = { old: spawnEngine(oldArgs), new: spawnEngine(newArgs) };
  // one at a time: two engines loading at once would slow each other's warm-up
  const ready = { old: await engines.old.ask(null), new: await engines.new.ask(null) };
  console.log(
    `old: ${oldName}, ${ready.old.recognizer} (load ${ready.old.loadMs.toFixed(0)} ms); ` +
      `new: this checkout${threaded ? ', in a worker thread' : ''}, ${ready.new.recognizer} (load ${ready.new.loadMs.toFixed(0)} ms)`,
  );
  const small = rows.filter((r) => r.width * r.height < SMALL).length;
  console.log(
    `threads ${threads}; ${rows.length} photos (${small} under 0.5 MP) × ${rounds} round(s), ` +
      'the engines taking turns photo by photo; wall ms per engine.read, decode included',
  );
  const q = (xs, p) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.max(0, Math.round((s.length - 1) * p)))];
  };
  const f = (x, w = 7) => x.toFixed(1).padStart(w);
  const r2 = (x) => x.toFixed(2).padStart(6);
  console.log(
    'mode      photos       old p50  p90 | new p50  p90 | new/old p50   p90 | cpu ms old  new  new/old',
  );
  const ratios = {};
  for (const mode of ['regular', 'fast']) {
    const got = { old: [], new: [] };
    for (let r = 0; r < rounds; r++)
      for (let i = 0; i < rows.length; i++)
        for (const k of (i + r) % 2 ? ['new', 'old'] : ['old', 'new'])
          got[k].push({ i, ...(await engines[k].ask({ i, mode })) });
    for (const [subset, keep] of [
      ['all', () => true],
      ['< 0.5 MP', (i) => rows[i].width * rows[i].height < SMALL],
      ['≥ 0.5 MP', (i) => rows[i].width * rows[i].height >= SMALL],
    ]) {
      const pick = (k, field) => got[k].filter((x) => keep(x.i)).map((x) => x[field]);
      const [o50, o90, n50, n90] = [
        q(pick('old', 'ms'), 0.5),
        q(pick('old', 'ms'), 0.9),
        q(pick('new', 'ms'), 0.5),
        q(pick('new', 'ms'), 0.9),
      ];
      const [oc, nc] = [q(pick('old', 'cpuMs'), 0.5), q(pick('new', 'cpuMs'), 0.5)];
      ratios[`${mode} ${subset}`] = n50 / o50;
      console.log(
        `${mode.padEnd(9)} ${subset.padEnd(9)} ${f(o50)} ${f(o90, 5)} |${f(n50)} ${f(n90, 5)} |` +
          `${r2(n50 / o50)}     ${r2(n90 / o90)} | ${f(oc, 9)} ${f(nc, 5)} ${r2(nc / oc)}`,
      );
    }
  }
  const rss = {
    old: await engines.old.ask({ end: true }),
    new: await engines.new.ask({ end: true }),
  };
  console.log(
    `peak RSS (own process: load + every read): old ${rss.old.maxRssMb.toFixed(0)} MB, ` +
      `new ${rss.new.maxRssMb.toFixed(0)} MB (new/old ${(rss.new.maxRssMb / rss.old.maxRssMb).toFixed(2)})`,
  );
  const verdict = (x, max) =>
    `${x.toFixed(2)} (target ≤ ${max}: ${x <= max ? 'held' : 'NOT held'})`;
  if (threaded) {
    console.log(`thread / in-process regular p50 = ${verdict(ratios['regular all'], 1.05)}`);
    return;
  }
  if (oldRecognizer) return;
  console.log(`new/old regular p50, every photo   = ${verdict(ratios['regular all'], 0.8)}`);
  console.log(`new/old regular p50, under 0.5 MP  = ${verdict(ratios['regular < 0.5 MP'], 0.6)}`);
  console.log(`new/old fast p50, every photo      = ${verdict(ratios['fast all'], 1)}`);
}
