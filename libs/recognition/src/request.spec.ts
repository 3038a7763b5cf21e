import { RecognitionRefusedError } from './errors';
import { parseRecognitionOptions, parseRecognitionRequest } from './request';

const plan = { maxUploadBytes: 16, mmcIncluded: false };
const now = new Date('2026-01-02T03:04:05.000Z');
const file = { buffer: Buffer.from('jpeg bytes'), originalname: 'car.jpg' };

function refusal(fn: () => unknown): { reason: string; message: string } {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(RecognitionRefusedError);
    return error as RecognitionRefusedError;
  }
  throw new Error('not refused');
}

describe('parseRecognitionRequest', () => {
  it('reads form fields: regions (both names, lower-cased), config JSON, mmc, camera and time', () => {
    const request = parseRecognitionRequest(
      {
        regions: ['US-CA', 'mx'],
        region: 'br',
        config: '{"mode":"fast"}',
        camera_id: 'gate',
        mmc: 'false',
      },
      file,
      plan,
      now,
    );
    expect(request).toMatchObject({
      // hints the engine has templates for (mx has none: a guide, ignored)
      regions: ['us-ca', 'br'],
      config: { mode: 'fast', threshold_d: 0.2 },
      mmc: false,
      camera_id: 'gate',
      timestamp: '2026-01-02T03:04:05.000Z',
      image: { bytes: file.buffer, filename: 'car.jpg' },
    });
  });

  it('takes a base64 upload or a URL to fetch later', () => {
    expect(parseRecognitionRequest({ upload: 'aGVsbG8=' }, undefined, plan).image).toEqual({
      bytes: Buffer.from('hello'),
      filename: null,
    });
    expect(
      parseRecognitionRequest({ upload_url: 'https://x.example/a.jpg' }, undefined, plan).image,
    ).toEqual({
      url: 'https://x.example/a.jpg',
    });
  });

  it('refuses with a reason: fields, plan, config and its region rule, image source, size', () => {
    expect(
      refusal(() => parseRecognitionRequest({ regions: 'not a region' }, file, plan)),
    ).toMatchObject({
      reason: 'invalid_request',
      message: expect.stringMatching(/^regions must be region codes/),
    });
    expect(refusal(() => parseRecognitionRequest({ mmc: 'true' }, file, plan)).reason).toBe(
      'not_in_plan',
    );
    expect(refusal(() => parseRecognitionRequest({ config: '{' }, file, plan)).message).toMatch(
      /config must be a JSON object/,
    );
    expect(
      refusal(() => parseRecognitionRequest({ config: { mode: 'slow' } }, file, plan)).message,
    ).toMatch(/config\.mode/);
    expect(refusal(() => parseRecognitionRequest({}, undefined, plan)).message).toMatch(
      /upload is required/,
    );
    expect(
      refusal(() => parseRecognitionRequest({ upload: 'aGVsbG8=' }, file, plan)).message,
    ).toMatch(/both as a file and as base64/);
    expect(
      refusal(() => parseRecognitionRequest({ upload: '!!' }, undefined, plan)).message,
    ).toMatch(/valid base64/);
    const big = Buffer.alloc(17).toString('base64');
    expect(refusal(() => parseRecognitionRequest({ upload: big }, undefined, plan))).toMatchObject({
      reason: 'too_large',
    });
  });

  it('reads what real clients send: booleans, regions, timestamps, unknown config keys', () => {
    const mmcPlan = { ...plan, mmcIncluded: true };
    for (const yes of ['true', 'True', 'TRUE', '1', 'yes', 1, true])
      expect(parseRecognitionOptions({ mmc: yes } as never, mmcPlan).mmc).toBe(true);
    for (const no of ['false', 'False', '0', 'no', 0, false])
      expect(parseRecognitionOptions({ mmc: no } as never, mmcPlan).mmc).toBe(false);
    for (const regions of [
      'us-ca,br',
      ' us-ca , br ',
      '["us-ca","br"]',
      ['us-ca', 'br'],
      ['us-ca,br'],
    ])
      expect(parseRecognitionOptions({ regions }, plan).regions).toEqual(['us-ca', 'br']);
    const at = (timestamp: string) => parseRecognitionOptions({ timestamp }, plan).timestamp;
    expect(at('2019-08-19T13:11:25')).toBe('2019-08-19T13:11:25Z');
    expect(at('2019-08-19T13:11:25+02:00')).toBe('2019-08-19T11:11:25Z');
    expect(at('2019-08-19 13:11:25.123456')).toBe('2019-08-19T13:11:25.123456Z');
    const request = parseRecognitionRequest(
      { config: '{"threshold_d":"0.3","future_option":true}' },
      file,
      plan,
    );
    expect(request.config.threshold_d).toBe(0.3);
    expect(request.ignoredConfig).toEqual(['future_option']);
  });

  it('reads a field sent empty or as null as not given, as Django REST Framework reads a form', () => {
    const url = 'https://x.example/a.jpg';
    for (const unset of [null, ''])
      expect(
        parseRecognitionRequest(
          { upload: unset, upload_url: url, timestamp: unset, camera_id: unset, regions: unset },
          undefined,
          plan,
          now,
        ),
      ).toMatchObject({
        image: { url },
        timestamp: now.toISOString(),
        camera_id: null,
        regions: [],
      });
    expect(
      refusal(() => parseRecognitionRequest({ upload: null }, undefined, plan)).message,
    ).toMatch(/upload is required/);
    // a number where text is meant is that text (DRF's CharField)
    expect(parseRecognitionOptions({ camera_id: 5 }, plan).camera_id).toBe('5');
    // kept in the read history, whose text column refuses NUL
    expect(
      refusal(() => parseRecognitionRequest({ camera_id: 'gate\u00001' }, file, plan)).message,
    ).toMatch(/camera_id must not hold a NUL character/);
  });

  it('refuses an object where a field is text, and never walks config with class-transformer', () => {
    expect(
      refusal(() => parseRecognitionRequest({ camera_id: { constructor: {} } }, file, plan))
        .message,
    ).toBe('camera_id must be text');
    expect(
      refusal(() => parseRecognitionRequest({ upload_url: 123 }, undefined, plan)).message,
    ).toBe('upload_url must be a string');
    const request = parseRecognitionRequest(
      { config: { a: { constructor: {} }, mode: 'fast' } },
      file,
      plan,
    );
    expect(request.config.mode).toBe('fast');
    expect(request.ignoredConfig).toEqual(['a']);
  });

  it('applies region strict only where there is something to be strict about, else names it ignored', () => {
    const strict = (body: Record<string, unknown>) =>
      parseRecognitionRequest({ config: { region: 'strict' }, ...body }, file, plan).ignoredConfig;
    // the Snapshot API's own Python example sends strict with no region
    expect(strict({})).toEqual(['region']);
    // no template for Mexico: strict cannot be applied to it
    expect(strict({ regions: 'mx' })).toEqual(['region']);
    expect(strict({ regions: 'us-ca' })).toEqual([]);
    expect(
      parseRecognitionRequest(
        { config: { region: 'strict', text_formats: ['[a-z]{3}[0-9]{3}'] } },
        file,
        plan,
      ).ignoredConfig,
    ).toEqual([]);
  });

  it('refuses a timestamp on a date that does not exist, even written as it would be answered', () => {
    for (const timestamp of [
      '2019-02-30T00:00:00Z',
      '2019-13-01T00:00:00Z',
      '2019-02-29T00:00:00Z',
      '2019-08-19T24:00:00Z',
      '2019-08-19T13:60:00Z',
      '2019-02-30T00:00:00.5Z',
      '2019-02-30 10:00:00',
      // year 0: no such year in PostgreSQL (nor in Python, Plate Recognizer's)
      '0000-01-01T00:00:00Z',
      '0001-01-01T00:30:00+01:00',
    ])
      expect(refusal(() => parseRecognitionOptions({ timestamp }, plan)).message).toMatch(
        /^timestamp must be an ISO 8601 date-time on a date that exists/,
      );
    const at = (timestamp: string) => parseRecognitionOptions({ timestamp }, plan).timestamp;
    expect(at('2020-02-29T00:00:00Z')).toBe('2020-02-29T00:00:00Z');
    expect(at('2019-08-19T13:11:25.123456789Z')).toBe('2019-08-19T13:11:25.123456789Z');
    expect(at('0001-01-01T00:00:00Z')).toBe('0001-01-01T00:00:00Z');
  });

  it('says what is wrong once, naming the field', () => {
    const message = refusal(() =>
      parseRecognitionRequest({ timestamp: 'yesterday', mmc: 'maybe' }, file, plan),
    ).message;
    expect(message.match(/timestamp must be/g)).toHaveLength(1);
    expect(message).toMatch(/mmc must be true or false/);
    expect(
      refusal(() => parseRecognitionRequest({ config: { threshold_d: 1.5 } }, file, plan)).message,
    ).toMatch(/config\.threshold_d must be a number between 0 and 1/);
  });

  it('reads upload when upload_url is sent too (upload_url only stands in for a missing upload)', () => {
    expect(
      parseRecognitionRequest({ upload_url: 'https://x.example/a.jpg' }, file, plan).image,
    ).toEqual({ bytes: file.buffer, filename: 'car.jpg' });
  });

  it('serves the CLI the same rules without an image source', () => {
    expect(
      parseRecognitionOptions({ regions: ['br'], mmc: true }, { ...plan, mmcIncluded: true }, now),
    ).toEqual({
      regions: ['br'],
      config: expect.objectContaining({ mode: 'regular' }),
      mmc: true,
      camera_id: null,
      timestamp: now.toISOString(),
    });
    expect(parseRecognitionOptions({ config: { region: 'strict' } }, plan).config.region).toBe(
      'strict',
    );
  });
});
