/**
 * @jest-environment ./libs/engine/src/test-support/ort-environment.js
 */
/**
 * `platewise redact`: output names, and the command itself on real photos with the real engine
 * (../shared/alpr-dev), as `pnpm platewise redact` runs it.
 */
import { Command } from 'commander';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { outputNames, ownOutputName } from './output-names';
import { registerRedactCommand } from './redact.command';

const DEV = resolve(__dirname, '../../../../../shared/alpr-dev/images');
const BR = join(DEV, 'br/AYO9034.jpg');
const EU = join(DEV, 'eu/eu1.jpg');

const redact = (...args: string[]) => {
  const program = new Command('platewise').exitOverride();
  registerRedactCommand(program);
  return program.parseAsync(['node', 'platewise', 'redact', ...args]);
};

describe('redact output names', () => {
  it('keeps each image its own name, extension included, adding the format where it differs', () => {
    expect(ownOutputName('a/b.jpeg', 'jpeg')).toBe('a/b.jpeg');
    expect(ownOutputName('b.JPG', 'jpeg')).toBe('b.JPG');
    expect(ownOutputName('c.png', 'png')).toBe('c.png');
    expect(ownOutputName('c.webp', 'jpeg')).toBe('c.webp.jpg');
    expect(ownOutputName('d.png', 'jpeg')).toBe('d.png.jpg');
    expect(ownOutputName('e.jpg', 'png')).toBe('e.jpg.png');
  });

  it('keeps images that would share a name apart, in the order given, never taking one’s own', () => {
    const jpeg = (relative: string) => ({ relative, format: 'jpeg' as const });
    expect(
      outputNames([jpeg('x.jpg'), jpeg('x.jpg'), jpeg('Y.jpeg'), jpeg('Y.jpg'), jpeg('x-2.jpg')]),
    ).toEqual(['x.jpg', 'x-3.jpg', 'Y.jpeg', 'Y.jpg', 'x-2.jpg']);
    // Case apart only: one file on macOS and Windows.
    expect(outputNames([jpeg('sub/P.JPG'), jpeg('sub/p.jpg')])).toEqual([
      'sub/P.JPG',
      'sub/p-2.jpg',
    ]);
    expect(outputNames([jpeg('c.webp'), jpeg('c.webp.jpg')])).toEqual([
      'c.webp.jpg',
      'c.webp-2.jpg',
    ]);
  });
});

describe('platewise redact', () => {
  const fresh = () => mkdtempSync(join(tmpdir(), 'pw-redact-'));

  it('writes every image, same names from two folders and .jpeg beside .jpg included', async () => {
    const root = fresh();
    for (const dir of ['A', 'B']) mkdirSync(join(root, dir));
    copyFileSync(BR, join(root, 'A', 'x.jpg'));
    copyFileSync(EU, join(root, 'B', 'x.jpg'));
    copyFileSync(BR, join(root, 'A', 'Y.jpeg'));
    copyFileSync(EU, join(root, 'A', 'Y.jpg'));
    const out = join(root, 'O');
    await redact(join(root, 'A'), join(root, 'B'), '--out', out, '--method', 'solid');
    expect(readdirSync(out).sort()).toEqual([
      'Y.jpeg',
      'Y.jpg',
      'redactions.jsonl',
      'x-2.jpg',
      'x.jpg',
    ]);
    const log = readFileSync(join(out, 'redactions.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(log.map((l) => [l.path, l.output])).toEqual([
      [join(root, 'A', 'Y.jpeg'), join(out, 'Y.jpeg')],
      [join(root, 'A', 'Y.jpg'), join(out, 'Y.jpg')],
      [join(root, 'A', 'x.jpg'), join(out, 'x.jpg')],
      [join(root, 'B', 'x.jpg'), join(out, 'x-2.jpg')],
    ]);
    // Each output is its own input's redaction (the two photos differ in size).
    const sizes = log.map((l) => `${l.width}x${l.height}`);
    expect(sizes[0]).not.toBe(sizes[1]);
    expect(sizes).toEqual([sizes[0], sizes[1], sizes[0], sizes[1]]);
  }, 120_000);

  it('refuses, before any work, a missing input or an --out that would overwrite an input', async () => {
    const root = fresh();
    mkdirSync(join(root, 'A'));
    copyFileSync(BR, join(root, 'A', 'x.jpg'));
    writeFileSync(join(root, 'A', 'c.webp'), 'not read');
    const original = readFileSync(join(root, 'A', 'x.jpg'));
    const out = join(root, 'O');

    await expect(
      redact(join(root, 'A'), join(root, 'gone.jpg'), join(root, 'nope'), '--out', out),
    ).rejects.toThrow(
      `no such file or folder: ${join(root, 'gone.jpg')}, ${join(root, 'nope')} (nothing was redacted)`,
    );
    expect(existsSync(out)).toBe(false);

    // The input folder itself, also through another spelling of its path.
    await expect(redact(join(root, 'A'), '--out', join(root, 'A', '.'))).rejects.toThrow(
      /^--out .* is the input folder .*: its images would be overwritten \(nothing was redacted\)/,
    );
    // A folder holding an input given as a file: its output would take the input's place.
    await expect(redact(join(root, 'A', 'x.jpg'), '--out', join(root, 'A'))).rejects.toThrow(
      `--out ${join(root, 'A')} would overwrite the input ${join(root, 'A', 'x.jpg')}`,
    );
    expect(readFileSync(join(root, 'A', 'x.jpg')).equals(original)).toBe(true);
    expect(readdirSync(join(root, 'A')).sort()).toEqual(['c.webp', 'x.jpg']);
  });
});
