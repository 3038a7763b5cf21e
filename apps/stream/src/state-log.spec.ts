import { SourceStateLog } from './state-log';

describe('SourceStateLog', () => {
  it('logs each change, and a lost source once a minute while it stays lost', () => {
    let t = 0;
    const log = new SourceStateLog(60_000, () => t);
    expect(log.line('connected')).toBe('connected');
    const lines: (string | null)[] = [];
    // retried every second for three minutes
    for (t = 1_000; t <= 181_000; t += 1_000) lines.push(log.line('lost', 'Connection refused'));
    expect(lines.filter((l) => l !== null)).toEqual([
      'lost (Connection refused)',
      'still lost after 60 s (Connection refused)',
      'still lost after 120 s (Connection refused)',
      'still lost after 180 s (Connection refused)',
    ]);
    expect(log.line('connected')).toBe('connected after 181 s');
    t += 1_000;
    expect(log.line('lost')).toBe('lost');
  });
});
