import type { SqlPool } from '@platewise/infra';
import { UsageService } from './usage.service';
import { UsageVersions } from './usage-versions';

describe('UsageService.record', () => {
  it("changes the account's usage version once its upsert is done, before any notification", async () => {
    const versions = new UsageVersions();
    versions.setLive(true);
    const statements: string[] = [];
    const sql = {
      query: async (q: { name: string }) => (statements.push(q.name), { rows: [] }),
    } as unknown as SqlPool;
    const usage = new UsageService(sql, versions);
    const [a, b] = [versions.version('a'), versions.version('b')];
    await usage.record('a', 'plate_reader', false);
    expect(statements).toEqual(['record-usage']);
    expect(versions.version('a')).not.toBe(a);
    expect(versions.version('b')).toBe(b);
  });

  it('leaves the version alone when the upsert fails', async () => {
    const versions = new UsageVersions();
    versions.setLive(true);
    const sql = { query: async () => Promise.reject(new Error('down')) } as unknown as SqlPool;
    const before = versions.version('a');
    await expect(
      new UsageService(sql, versions).record('a', 'plate_reader', false),
    ).rejects.toThrow('down');
    expect(versions.version('a')).toBe(before);
  });
});
