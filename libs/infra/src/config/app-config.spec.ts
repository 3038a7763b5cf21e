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

describe('loadConfig numeric settings', () => {
  it('validates every whole-number setting the same way', () => {
    expect(loadConfig({ WORKER_CONCURRENCY: '4', WEBHOOK_ATTEMPTS: '2' })).toMatchObject({
      WORKER_CONCURRENCY: 4,
      WEBHOOK_ATTEMPTS: 2,
    });
    expect(() => loadConfig({ WORKER_CONCURRENCY: '0' })).toThrow(/WORKER_CONCURRENCY="0"/);
    expect(() => loadConfig({ RECOGNITION_TIMEOUT_MS: '1.5' })).toThrow(/RECOGNITION_TIMEOUT_MS/);
  });

  it('checks FETCH_ALLOW_HOSTS entries', () => {
    expect(
      loadConfig({ FETCH_ALLOW_HOSTS: '127.0.0.5, 10.0.0.0/8, hooks.internal:8443' })
        .FETCH_ALLOW_HOSTS,
    ).toBeDefined();
    expect(() => loadConfig({ FETCH_ALLOW_HOSTS: '10.0.0.0/99' })).toThrow(
      /FETCH_ALLOW_HOSTS must list/,
    );
  });

  it('requires a licence key in on-premise mode', () => {
    expect(() => loadConfig({ PLATEWISE_MODE: 'onprem' })).toThrow(/PLATEWISE_LICENSE_KEY/);
    expect(
      loadConfig({ PLATEWISE_MODE: 'onprem', PLATEWISE_LICENSE_KEY: 'k' }).PLATEWISE_MODE,
    ).toBe('onprem');
    expect(() => loadConfig({ PLATEWISE_MODE: 'edge' })).toThrow(/PLATEWISE_MODE/);
  });
});

describe('loadConfig e-mail settings', () => {
  it('takes an SMTP URL with a sender, and refuses either one wrong or the sender missing', () => {
    expect(
      loadConfig({
        SMTP_URL: 'smtp://u:p@127.0.0.1:2525',
        MAIL_FROM: 'platewise <alpr@example.com>',
      }),
    ).toMatchObject({
      SMTP_URL: 'smtp://u:p@127.0.0.1:2525',
      MAIL_FROM: 'platewise <alpr@example.com>',
    });
    expect(() => loadConfig({ SMTP_URL: 'smtp://mail.example.com' })).toThrow(/MAIL_FROM/);
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example.com', MAIL_FROM: 'a@b.c' })).toThrow(
      /SMTP_URL must be an smtp/,
    );
    expect(() =>
      loadConfig({ SMTP_URL: 'smtps://mail.example.com', MAIL_FROM: 'not an address' }),
    ).toThrow(/MAIL_FROM must be an e-mail address/);
  });
});
