import { DEFAULT_CONFIG, compileTextFormats, parseEngineConfig, readEngineConfig } from './config';
import { EngineConfigError } from './errors';

describe('parseEngineConfig', () => {
  it('fills defaults for nothing', () => {
    expect(parseEngineConfig(undefined)).toEqual(DEFAULT_CONFIG);
    expect(parseEngineConfig('')).toEqual(DEFAULT_CONFIG);
    expect(parseEngineConfig({})).toEqual(DEFAULT_CONFIG);
  });

  it('accepts every documented key, as an object or JSON text', () => {
    const c = parseEngineConfig(
      '{"mode":"fast","threshold_d":0.2,"threshold_o":0.6,"region":"strict","detection_rule":"strict","detection_mode":"vehicle","text_formats":["[0-9]{3}[a-z]{2}"]}',
    );
    expect(c).toEqual({
      mode: 'fast',
      threshold_d: 0.2,
      threshold_o: 0.6,
      region: 'strict',
      detection_rule: 'strict',
      detection_mode: 'vehicle',
      text_formats: ['[0-9]{3}[a-z]{2}'],
    });
    expect(parseEngineConfig({ mode: 'redaction' }).mode).toBe('redaction');
  });

  it('reads what real clients send: unknown keys ignored and listed, numbers as strings, any case', () => {
    expect(
      readEngineConfig('{"threshold_d":"0.3","mode":"FAST","text_formats":"[a-z]{3}","x_new":1}'),
    ).toEqual({
      config: { ...DEFAULT_CONFIG, threshold_d: 0.3, mode: 'fast', text_formats: ['[a-z]{3}'] },
      ignored: ['x_new'],
    });
    expect(readEngineConfig({ colour: 'red', region: 'Strict' })).toEqual({
      config: { ...DEFAULT_CONFIG, region: 'strict', text_formats: [] },
      ignored: ['colour'],
    });
  });

  it.each([
    [
      { mode: 'turbo' },
      'mode',
      /config.mode must be one of "regular", "fast", "redaction", got "turbo"/,
    ],
    [{ threshold_d: 2 }, 'threshold_d', /between 0 and 1, got 2/],
    [{ threshold_o: '1.5' }, 'threshold_o', /between 0 and 1, got "1.5"/],
    [{ threshold_o: 'high' }, 'threshold_o', /between 0 and 1, got "high"/],
    [{ region: 'loose' }, 'region', /config.region must be one of "normal", "strict"/],
    [{ detection_rule: true }, 'detection_rule', /got true/],
    [{ detection_mode: 'car' }, 'detection_mode', /"plate", "vehicle"/],
    [{ text_formats: [1] }, 'text_formats', /list of regular expression/],
    [{ text_formats: ['[a-'] }, 'text_formats', /invalid regular expression "\[a-"/],
    ['{"mode":', 'config', /not valid JSON/],
    [[1, 2], 'config', /must be a JSON object/],
  ])('rejects %j naming %s', (raw, key, message) => {
    let err: unknown;
    try {
      parseEngineConfig(raw);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(EngineConfigError);
    expect((err as EngineConfigError).key).toBe(key);
    expect((err as Error).message).toMatch(message);
  });

  it('anchors text_formats and ignores case', () => {
    const [re] = compileTextFormats(['[0-9]{3}[a-z]{2}']);
    expect(re.test('123AB')).toBe(true);
    expect(re.test('123ABC')).toBe(false);
  });
});
