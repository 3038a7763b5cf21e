/**
 * The built gateway loads no recognition engine: it validates requests with
 * `@platewise/engine/config` alone, so neither onnxruntime-node nor sharp (libvips) is in its
 * memory. Checked on the running process: the shared libraries mapped into it, and its module
 * graph (`require.cache`, printed on request by a `--require` hook).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GATEWAY_READY, Running, startApp } from './processes';
import { testPort } from './services';

const ENGINE_NATIVE = /onnxruntime|sharp|libvips/i;

describe('the gateway process', () => {
  let gateway: Running;
  const port = testPort();

  beforeAll(async () => {
    // Prints the loaded module paths on SIGUSR2, so the test can read the running process's graph.
    const hook = join(__dirname, 'print-modules.js');
    gateway = await startApp(
      'gateway',
      { PORT: String(port), NODE_OPTIONS: `--require ${hook}` },
      GATEWAY_READY,
    );
  });
  afterAll(() => gateway.stop());

  it('maps no onnxruntime-node or sharp library', () => {
    const maps = readFileSync(`/proc/${gateway.child.pid}/maps`, 'utf8');
    expect(maps).toMatch(/node/); // the check reads a real map
    expect(maps.split('\n').filter((line) => ENGINE_NATIVE.test(line))).toEqual([]);
  });

  it('required no engine module, only its config entry point', async () => {
    const before = gateway.output().length;
    gateway.child.kill('SIGUSR2');
    for (let i = 0; i < 100 && !gateway.output().slice(before).includes('modules-end'); i++) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const lines = gateway.output().slice(before).split('\n');
    const modules = [...new Set(lines.filter((l) => l.startsWith('module ')))];
    expect(modules.length).toBeGreaterThan(100);
    expect(modules.filter((m) => ENGINE_NATIVE.test(m))).toEqual([]);
    const engine = modules
      .filter((m) => /libs\/engine\/dist\//.test(m))
      .map((m) => m.replace(/.*libs\/engine\/dist\//, ''));
    expect(engine.sort()).toEqual([
      'config-entry.js',
      'config.js',
      'errors.js',
      'plates/formats.js',
      'plates/text-pattern.js',
      // the redaction options' validation (no sharp, no models)
      'redact/options.js',
    ]);
  });
});
