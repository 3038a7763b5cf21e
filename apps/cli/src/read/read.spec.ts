import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { doneImages, isUrl, listImages } from './inputs';
import { clock, formatProgress } from './progress';

describe('read command helpers', () => {
  it('lists images recursively, relative and sorted, ignoring other files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pw-read-'));
    mkdirSync(join(dir, 'sub'));
    for (const f of ['b.JPG', 'a.png', 'notes.txt', 'sub/c.webp', 'sub/d.avif'])
      writeFileSync(join(dir, f), 'x');
    expect(await listImages(dir)).toEqual(['a.png', 'b.JPG', 'sub/c.webp', 'sub/d.avif']);
  });

  it('resume skips answered images but retries failed and cut-off lines', () => {
    const jsonl = [
      '{"image":"a.jpg","results":[]}',
      '{"image":"b.jpg","error":"cannot decode"}',
      '{"image":"c.jp',
    ].join('\n');
    expect([...doneImages(jsonl)]).toEqual(['a.jpg']);
  });

  it('formats progress with rate and ETA', () => {
    expect(formatProgress(50, 200, 1, 10, 10)).toBe(
      '[###-------] 50/200 25% 5.0 img/s ETA 0:30 1 failed',
    );
    expect(clock(3725)).toBe('1:02:05');
    expect(isUrl('https://x/y.jpg')).toBe(true);
    expect(isUrl('-')).toBe(false);
  });
});
