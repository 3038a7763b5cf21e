/**
 * @jest-environment ./libs/engine/src/test-support/ort-environment.js
 */
/**
 * The engine's inputs: image formats and orientation, and the model files it needs (installed by
 * `pnpm models:install`). Reads ../shared/alpr-dev at run time; one engine is shared by the file.
 */
import {
  mkdtempSync,
  writeFileSync,
  copyFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { PlateResult } from '@platewise/snapshot';
import { createEngine } from './engine';
import { ImageDecodeError, ModelLoadError } from './errors';
import { resolveModelsDir } from './models/manifest';
import { photo, plates, sharedEngine } from './test-support/dev-photos';

const engine = sharedEngine();

describe('images', () => {
  it('reads PNG, WebP, TIFF, AVIF and GIF as well as JPEG', async () => {
    const img = photo('br/AYO9034.jpg');
    for (const fmt of ['png', 'webp', 'tiff', 'avif', 'gif'] as const) {
      const buf = await sharp(img).toFormat(fmt).toBuffer();
      const r = await engine().read(buf, { regions: ['br'] });
      expect({ fmt, plates: plates(r).slice(0, 1) }).toEqual({
        fmt,
        plates: [expect.stringMatching(/^AY[O0]9034$/)],
      });
    }
  });

  it('applies EXIF orientation', async () => {
    // Store the photo rotated 90° and tag it "rotate back" (orientation 6): the box must come out
    // in upright coordinates, as for the original.
    const img = photo('br/AYO9034.jpg');
    const turned = await sharp(img).rotate(-90).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const r = (await engine().read(turned, { regions: ['br'] })).results as PlateResult[];
    expect(r[0].plate).toBe('ayo9034');
    expect(Math.abs(r[0].box.xmin - 528)).toBeLessThan(20);
  });

  it('tells unsupported formats from broken images', async () => {
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\n');
    await expect(engine().read(pdf)).rejects.toMatchObject({
      name: 'ImageDecodeError',
      reason: 'unsupported',
    });
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>',
    );
    await expect(engine().read(svg)).rejects.toMatchObject({ reason: 'unsupported' });
    const truncated = photo('br/AYO9034.jpg').subarray(0, 2000);
    const err = await engine()
      .read(truncated)
      .catch((e) => e);
    expect(err).toBeInstanceOf(ImageDecodeError);
    expect(err.reason).toBe('corrupt');
    await expect(engine().read(Buffer.alloc(0))).rejects.toMatchObject({ reason: 'corrupt' });
  });

  it('reads decoded RGB pixels (a video frame) as it reads the same pixels sent as a PNG', async () => {
    const { data, info } = await sharp(photo('br/AYO9034.jpg'))
      .raw()
      .toBuffer({ resolveWithObject: true });
    const raw = { data, width: info.width, height: info.height };
    const png = await sharp(data, { raw: { ...raw, channels: 3 } })
      .png()
      .toBuffer();
    const [fromRaw, fromPng] = await Promise.all([
      engine().read(raw, { regions: ['br'] }),
      engine().read(png, { regions: ['br'] }),
    ]);
    expect(plates(fromRaw)[0]).toBe('AYO9034');
    expect(fromRaw.results).toEqual(fromPng.results);
  });

  it('refuses raw pixels whose size does not add up, or too many of them', async () => {
    const bad = [
      { data: Buffer.alloc(12 * 10 * 3 - 1), width: 12, height: 10 },
      { data: Buffer.alloc(0), width: 0, height: 10 },
      { data: Buffer.alloc(30), width: 2.5, height: 4 },
    ];
    for (const raw of bad)
      await expect(engine().read(raw)).rejects.toMatchObject({
        name: 'ImageDecodeError',
        reason: 'corrupt',
      });
    // checked before the bytes: a caller cannot make the engine walk a huge frame
    await expect(
      engine().read({ data: Buffer.alloc(3), width: 20_000, height: 20_000 }),
    ).rejects.toMatchObject({ name: 'ImageDecodeError', reason: 'too-large' });
  });
});

describe('model files', () => {
  const installed = resolveModelsDir();
  const manifest = resolve(installed, '..', 'manifest.json');

  it('refuses to start without a model, naming the file and the fix', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-models-'));
    copyFileSync(manifest, join(dir, 'manifest.json'));
    await expect(createEngine({ modelsDir: dir })).rejects.toThrow(ModelLoadError);
    await expect(createEngine({ modelsDir: dir })).rejects.toThrow(
      /yolox_nano\.onnx is missing .*pnpm models:install/,
    );
  });

  it('refuses a corrupt model by its sha256', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-models-'));
    copyFileSync(manifest, join(dir, 'manifest.json'));
    writeFileSync(join(dir, 'yolox_nano.onnx'), 'not a model');
    await expect(createEngine({ modelsDir: dir })).rejects.toThrow(
      /yolox_nano\.onnx is corrupt \(sha256 .*expected 695e750a/,
    );
  });

  /** The installed models (linked) without `file`, or with `content` written in its place. */
  function without(file: string, content?: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'pw-models-'));
    copyFileSync(manifest, join(dir, 'manifest.json'));
    for (const f of readdirSync(installed))
      if (f !== file) symlinkSync(join(installed, f), join(dir, f));
    if (content !== undefined) writeFileSync(join(dir, file), content);
    return dir;
  }

  it('the default path needs only the detectors and the CCT reader: no PP-OCRv4, no platewise-rec-v1', async () => {
    const dir = without('platewise-rec-v1.onnx');
    for (const f of [
      'ch_PP-OCRv4_det_infer.onnx',
      'ch_PP-OCRv4_rec_infer.onnx',
      'ppocr_keys_v1.txt',
    ])
      rmSync(join(dir, f));
    const e = await createEngine({ modelsDir: dir, threads: 1 });
    expect(e.recognizer).toBe('cct');
    expect(plates(await e.read(photo('br/AYO9034.jpg'), { regions: ['br'] }))).toContain('AYO9034');
    await e.close();
    for (const recognizer of ['ensemble', 'crnn'] as const) {
      await expect(createEngine({ modelsDir: dir, recognizer })).rejects.toThrow(ModelLoadError);
    }
  }, 60_000);

  it('without the image backbone mmc falls back (pixel colour, orientation Unknown, detector type) and region stays at country level; an altered head patch is refused', async () => {
    const e = await createEngine({ modelsDir: without('mobilenetv2-12-int8.onnx'), threads: 1 });
    try {
      expect(e.vehicleAttributes).toBeNull();
      expect(e.plateState).toBeNull();
      const p = (await e.read(photo('br/AYO9034.jpg'), { mmc: true })).results[0] as PlateResult;
      expect(p.orientation).toEqual([{ orientation: 'Unknown', score: 0 }]);
      expect(p.color?.[0].score).toBeGreaterThan(0);
      expect(p.region.code).toBe('br');
    } finally {
      await e.close();
    }
    await expect(
      createEngine({ modelsDir: without('platewise-vehicle-v2.onnxpatch', 'not a patch') }),
    ).rejects.toThrow(/platewise-vehicle-v2\.onnxpatch is corrupt/);
  }, 60_000);

  it('a missing or altered CCT reader stops the default path, naming the file', async () => {
    await expect(createEngine({ modelsDir: without('cct_xs_v1_global.onnx') })).rejects.toThrow(
      /cct_xs_v1_global\.onnx is missing .*pnpm models:install/,
    );
    await expect(
      createEngine({ modelsDir: without('cct_xs_v1_global.onnx', 'not a model') }),
    ).rejects.toThrow(/cct_xs_v1_global\.onnx is corrupt/);
  });

  it('an altered platewise-rec-v1 is refused by the modes that read with it', async () => {
    const dir = without('platewise-rec-v1.onnx', 'not a model');
    await expect(createEngine({ modelsDir: dir, recognizer: 'ensemble' })).rejects.toThrow(
      /platewise-rec-v1\.onnx is corrupt/,
    );
    const e = await createEngine({ modelsDir: dir, recognizer: 'ppocr', threads: 1 });
    expect(e.recognizer).toBe('ppocr');
    await e.close();
  }, 60_000);
});
