/**
 * @jest-environment ./libs/engine/src/test-support/ort-environment.js
 */
/**
 * The engine in its own thread. The first part runs the real engine thread of the built library
 * (the test command builds before it tests) on dev photos; the second a scripted thread that
 * hangs or crashes on demand, to show that the caller's event loop stays free and that a read past
 * its limit is stopped without taking the engine down.
 */
import { join } from 'node:path';
import sharp from 'sharp';
import { MAX_REGIONS, type EngineConfig } from '../config';
import type { Engine } from '../engine';
import {
  EngineConfigError,
  EngineRestartedError,
  EngineTimeoutError,
  ImageDecodeError,
} from '../errors';
import { photo, plates, sharedEngine } from '../test-support/dev-photos';
import { createThreadedEngine } from './threaded-engine';

const BUILT_THREAD = join(__dirname, '../../dist/thread/engine-thread.js');
const SCRIPTED_THREAD = join(__dirname, '../test-support/scripted-engine-thread.js');
/** What the stand-in thread is told to do, in the config slot it reads it from. */
const scripted = (script: { script?: string; delayMs?: number }) => ({
  config: script as Partial<EngineConfig>,
});

describe('the real engine in a thread', () => {
  let threaded: Engine;
  const inProcess = sharedEngine();

  beforeAll(async () => {
    threaded = await createThreadedEngine({ readTimeoutMs: 60_000, entry: BUILT_THREAD });
  });
  afterAll(() => threaded?.close());

  it.each([
    ['us/car6.jpg', ['us']],
    ['eu/test_002.jpg', ['sk', 'cz']],
  ])('reads %s exactly as the engine in this thread does', async (file, regions) => {
    const phases: string[] = [];
    const [there, here] = await Promise.all([
      threaded.read(photo(file), { regions, onPhase: (phase) => phases.push(phase) }),
      inProcess().read(photo(file), { regions }),
    ]);
    expect(plates(there)).toEqual(plates(here));
    expect({ ...there, processing_time: 0 }).toEqual({ ...here, processing_time: 0 });
    expect(phases).toEqual(expect.arrayContaining(['decode', 'vehicles', 'plates']));
    expect(threaded.recognizer).toBe(inProcess().recognizer);
    expect(threaded.loadTimeMs).toBeGreaterThan(0);
  });

  it('reads decoded RGB pixels as the engine in this thread does, leaving the caller its own', async () => {
    const { data, info } = await sharp(photo('us/car6.jpg'))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { data, width: info.width, height: info.height };
    const before = Buffer.from(data);
    const [there, here] = await Promise.all([
      threaded.read(raw, { regions: ['us'] }),
      inProcess().read(raw, { regions: ['us'] }),
    ]);
    expect(plates(there).length).toBeGreaterThan(0);
    expect({ ...there, processing_time: 0 }).toEqual({ ...here, processing_time: 0 });
    expect(data.equals(before)).toBe(true);
    await expect(threaded.read({ ...raw, width: info.width + 1 })).rejects.toBeInstanceOf(
      ImageDecodeError,
    );
  });

  it('raises the same typed errors as the engine itself', async () => {
    await expect(threaded.read(Buffer.from('not an image'))).rejects.toBeInstanceOf(
      ImageDecodeError,
    );
    // more distinct region codes than a call may send
    const regions = Array.from({ length: MAX_REGIONS + 1 }, (_, i) => `us-a${i}`);
    const badConfig = threaded.read(photo('us/car6.jpg'), { regions });
    await expect(badConfig).rejects.toBeInstanceOf(EngineConfigError);
    await expect(badConfig).rejects.toMatchObject({ key: 'regions' });
  });

  it('redacts as the engine in this thread does, the image back as a Buffer', async () => {
    const options = { redact: { format: 'png' } };
    const [there, here] = await Promise.all([
      threaded.redact(photo('br/AYO9034.jpg'), options),
      inProcess().redact(photo('br/AYO9034.jpg'), options),
    ]);
    expect(Buffer.isBuffer(there.image)).toBe(true);
    expect(there.image.equals(here.image)).toBe(true);
    expect({ ...there, processing_time: 0 }).toEqual({ ...here, processing_time: 0 });
    expect(threaded.faceDetector).toBe(inProcess().faceDetector);
    await expect(
      threaded.redact(photo('br/AYO9034.jpg'), { redact: { hide: 'cars' } }),
    ).rejects.toMatchObject({ key: 'hide' });
  });
});

describe('the real engine stopped past its limit', () => {
  it('replaces its thread without taking the process down, read after read', async () => {
    // Nine cars in a 3840 × 2160 photo: most of a read is model runs, so a 100-ms limit falls in
    // one; the thread terminated inside one had aborted the process (`Napi::Error`).
    const car = await sharp(photo('us/0b86cecf-67d1-4fc0-87c9-b36b0ee228bb.jpg'))
      .resize(1280, 720)
      .toBuffer();
    const grid = await sharp({
      create: { width: 3840, height: 2160, channels: 3, background: '#777' },
    })
      .composite(
        [0, 1, 2].flatMap((row) =>
          [0, 1, 2].map((col) => ({ input: car, left: col * 1280, top: row * 720 })),
        ),
      )
      .jpeg()
      .toBuffer();
    const engine = await createThreadedEngine({ readTimeoutMs: 100, entry: BUILT_THREAD });
    try {
      for (let i = 0; i < 8; i++)
        await expect(engine.read(grid)).rejects.toBeInstanceOf(EngineTimeoutError);
    } finally {
      await engine.close();
    }
  }, 60_000);
});

describe('a read past its limit', () => {
  let engine: Engine;
  beforeEach(async () => {
    engine = await createThreadedEngine({ readTimeoutMs: 500, entry: SCRIPTED_THREAD });
  });
  afterEach(() => engine.close());

  it('fails with EngineTimeoutError while the caller keeps running, and the next read works', async () => {
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 20);
    const stuck = engine.read(Buffer.alloc(8), scripted({ script: 'hang' }));
    const beside = engine.read(Buffer.alloc(8), scripted({ delayMs: 5_000 }));
    await expect(stuck).rejects.toBeInstanceOf(EngineTimeoutError);
    await expect(beside).rejects.toBeInstanceOf(EngineRestartedError);
    clearInterval(ticker);
    // The timers of this thread ran all along (about 25 in 500 ms; a blocked loop gives 0 or 1).
    expect(ticks).toBeGreaterThan(5);
    await expect(engine.read(Buffer.alloc(8))).resolves.toMatchObject({ bytes: 8 });
  });

  it('survives a thread that dies: its reads fail as retriable, a new thread takes the next', async () => {
    await expect(
      engine.read(Buffer.alloc(4), scripted({ script: 'crash' })),
    ).rejects.toBeInstanceOf(EngineRestartedError);
    const phases: string[] = [];
    await expect(
      engine.read(Buffer.alloc(4), { onPhase: (phase) => phases.push(phase) }),
    ).resolves.toMatchObject({ bytes: 4 });
    expect(phases).toEqual(['decode']);
  });
});
