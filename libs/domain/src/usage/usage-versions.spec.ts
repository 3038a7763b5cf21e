import { UsageVersions } from './usage-versions';

describe('UsageVersions', () => {
  it('has no versions until changes are heard', () => {
    const versions = new UsageVersions();
    expect(versions.version('a')).toBeUndefined();
    versions.changed('a');
    expect(versions.version('a')).toBeUndefined();
  });

  it("changes an account's version on its own changes only", () => {
    const versions = new UsageVersions();
    versions.setLive(true);
    const a = versions.version('a');
    const b = versions.version('b');
    versions.changed('a');
    expect(versions.version('a')).not.toBe(a);
    expect(versions.version('b')).toBe(b);
    const a2 = versions.version('a');
    versions.changed('a');
    expect(versions.version('a')).not.toBe(a2);
  });

  it('changes every version on a change of every account, and when listening stops or starts', () => {
    const versions = new UsageVersions();
    versions.setLive(true);
    versions.changed('a');
    const before = [versions.version('a'), versions.version('b')];
    versions.changed();
    const after = [versions.version('a'), versions.version('b')];
    expect(after[0]).not.toBe(before[0]);
    expect(after[1]).not.toBe(before[1]);
    versions.setLive(false);
    versions.setLive(true);
    expect(versions.version('a')).not.toBe(after[0]);
    expect(versions.version('b')).not.toBe(after[1]);
  });

  it('never hands an old version out again when it forgets accounts', () => {
    const versions = new UsageVersions();
    versions.setLive(true);
    const seen = new Map<string, number | undefined>();
    for (let i = 0; i < 10_001; i++) {
      versions.changed(`acc${i}`);
      seen.set(`acc${i}`, versions.version(`acc${i}`));
    }
    versions.changed('one-more');
    // acc0 was forgotten: its version now is new, not any it had
    expect(versions.version('acc0')).not.toBe(seen.get('acc0'));
  });
});
