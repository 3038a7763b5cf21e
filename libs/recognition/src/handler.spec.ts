import { DEFAULT_CONFIG, EngineConfigError, ImageDecodeError } from '@platewise/engine/config';
import type { RecognitionCall } from './contract';
import { RecognitionHandler } from './handler';

const call: RecognitionCall = {
  accountId: 'a',
  filename: 'car.jpg',
  regions: ['br'],
  config: DEFAULT_CONFIG,
  mmc: false,
  camera_id: 'gate',
  timestamp: '2026-01-01T00:00:00.000Z',
  webhooks: [{ id: 7, includeImage: false }],
};

describe('RecognitionHandler', () => {
  it('wraps the engine result in the Snapshot envelope', async () => {
    const engine = { read: async () => ({ processing_time: 12, results: [] }) };
    const outcome = await new RecognitionHandler(engine).handle(call, Buffer.from('x'));
    expect(outcome).toEqual({
      processing_time: 12,
      results: [],
      filename: 'car.jpg',
      version: 1,
      camera_id: 'gate',
      timestamp: '2026-01-01T00:00:00.000Z',
    });
  });

  it("answers the engine's client errors as refusals with reasons", async () => {
    const failing = (error: Error) =>
      new RecognitionHandler({ read: async () => Promise.reject(error) });
    const image = Buffer.from('x');
    expect(
      await failing(new ImageDecodeError('unsupported image format', 'unsupported')).handle(
        call,
        image,
      ),
    ).toEqual({
      refused: { reason: 'unsupported_image', detail: 'unsupported image format' },
    });
    expect(
      await failing(new ImageDecodeError('cannot decode image', 'corrupt')).handle(call, image),
    ).toEqual({
      refused: { reason: 'undecodable_image', detail: 'cannot decode image' },
    });
    expect(await failing(new EngineConfigError('bad key', 'x')).handle(call, image)).toEqual({
      refused: { reason: 'invalid_request', detail: 'bad key' },
    });
    await expect(failing(new Error('engine crashed')).handle(call, image)).rejects.toThrow(
      'engine crashed',
    );
  });

  it('runs a call with `redact` as a redaction: its JSON form', async () => {
    const area = { box: { xmin: 1, ymin: 2, xmax: 3, ymax: 4 }, score: 0.9 };
    const engine = {
      read: async () => Promise.reject(new Error('not a read')),
      redact: async () => ({
        processing_time: 30,
        image: Buffer.from('redacted'),
        content_type: 'image/jpeg' as const,
        width: 640,
        height: 480,
        plates: [area],
        faces: [],
      }),
    };
    const redact = {
      hide: ['plates' as const],
      method: 'blur' as const,
      strength: 6,
      format: null,
    };
    const outcome = await new RecognitionHandler(engine).handle(
      { ...call, redact },
      Buffer.from('x'),
    );
    expect(outcome).toEqual({
      processing_time: 30,
      filename: 'car.jpg',
      camera_id: 'gate',
      timestamp: '2026-01-01T00:00:00.000Z',
      content_type: 'image/jpeg',
      width: 640,
      height: 480,
      image: Buffer.from('redacted').toString('base64'),
      plates: [area],
      faces: [],
    });
  });
});
