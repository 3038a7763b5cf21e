import { ConfigError, loadConfig } from './app-config';

describe('loadConfig', () => {
  it('uses defaults that work on a developer machine', () => {
    const config = loadConfig({});
    expect(config.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/platewise');
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6379');
    expect(config.PORT).toBe(8080);
    expect(config.ADMIN_TOKEN).toBeUndefined();
  });

  it('names the bad variable', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT="eighty"/);
    expect(() => loadConfig({ ADMIN_TOKEN: 'short' })).toThrow(/ADMIN_TOKEN must be at least 16/);
  });

  it('reads numbers from strings', () => {
    expect(loadConfig({ PORT: '9090' }).PORT).toBe(9090);
  });
});
