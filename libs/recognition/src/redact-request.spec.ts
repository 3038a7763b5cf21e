import { RecognitionRefusedError } from './errors';
import { parseRedactionOptions, parseRedactionRequest } from './redact-request';

const plan = { maxUploadBytes: 1024, redactIncluded: true };
const now = new Date('2026-12-05T19:00:00Z');
const png = Buffer.from('89504e470d0a1a0a0000', 'hex');
const file = { buffer: png, originalname: 'a.png' };

const reason = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    if (error instanceof RecognitionRefusedError) return [error.reason, error.message];
    throw error;
  }
  return null;
};

describe('parseRedactionRequest', () => {
  it("takes the plate reader's fields and the redaction's own, with their defaults", () => {
    const r = parseRedactionRequest(
      { regions: ['br'], camera_id: 'gate', config: '{"threshold_d":0.05}', method: 'pixelate' },
      file,
      plan,
      now,
    );
    expect(r).toEqual({
      regions: ['br'],
      config: expect.objectContaining({ threshold_d: 0.05 }),
      mmc: false,
      camera_id: 'gate',
      timestamp: now.toISOString(),
      image: { bytes: png, filename: 'a.png' },
      ignoredConfig: [],
      redact: { hide: ['plates', 'faces'], method: 'pixelate', strength: 6, format: null },
    });
  });

  it('refuses a plan without redaction (403 not_in_plan) before anything else', () => {
    expect(
      reason(() => parseRedactionRequest({}, undefined, { ...plan, redactIncluded: false })),
    ).toEqual(['not_in_plan', 'Redaction is not included in your plan.']);
  });

  it("refuses bad redaction options and the plate reader's bad inputs as invalid_request", () => {
    expect(reason(() => parseRedactionRequest({ hide: 'cars' }, file, plan))?.[0]).toBe(
      'invalid_request',
    );
    expect(
      reason(() => parseRedactionRequest({ method: ['blur', 'solid'] }, file, plan))?.[0],
    ).toBe('invalid_request');
    expect(reason(() => parseRedactionRequest({ config: '{"mode":"x"}' }, file, plan))?.[0]).toBe(
      'invalid_request',
    );
    expect(reason(() => parseRedactionRequest({}, undefined, plan))?.[1]).toMatch(
      /upload is required/,
    );
  });

  it('ignores mmc, which means nothing to a redaction, whatever the plan', () => {
    expect(parseRedactionRequest({ mmc: 'true' }, file, plan).mmc).toBe(false);
  });

  it('has the same rules for the CLI, without an image', () => {
    expect(parseRedactionOptions({ hide: 'plates', strength: '3' }, plan, now).redact).toEqual({
      hide: ['plates'],
      method: 'blur',
      strength: 3,
      format: null,
    });
  });
});
