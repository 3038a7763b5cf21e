import { checkTarget } from './check-target';
import { FetchRefusedError } from './errors';

describe('checkTarget', () => {
  it('refuses internal and malformed targets, accepts public and allowed ones', async () => {
    await expect(checkTarget('http://127.0.0.1:9/hook')).rejects.toBeInstanceOf(FetchRefusedError);
    await expect(checkTarget('http://169.254.169.254/')).rejects.toThrow(/refused/);
    await expect(checkTarget('ftp://example.com/')).rejects.toThrow(/scheme/);
    await expect(checkTarget('http://93.184.216.34/hook')).resolves.toBeUndefined();
    await expect(
      checkTarget('http://127.0.0.1:9/hook', { allowHosts: '127.0.0.1:9' }),
    ).resolves.toBeUndefined();
  });
});
