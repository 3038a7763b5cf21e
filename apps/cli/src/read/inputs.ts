import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { IMAGE_EXTENSIONS } from '@platewise/recognition';

/** Every image file under `dir` (recursive), as paths relative to it, sorted for stable runs. */
export async function listImages(dir: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(d: string): Promise<void> {
    const entries = await readdir(d, { withFileTypes: true });
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (
        e.isFile() &&
        IMAGE_EXTENSIONS.has(e.name.slice(e.name.lastIndexOf('.')).toLowerCase())
      ) {
        out.push(relative(dir, p).split('\\').join('/'));
      }
    }
  }
  await walk(dir);
  return out.sort();
}

export const isUrl = (s: string): boolean => /^https?:\/\//i.test(s);

/** Bytes of one input: a file path, an http(s) URL, or `-` for stdin. */
export async function readInput(input: string): Promise<Buffer> {
  if (input === '-') {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }
  if (isUrl(input)) {
    const res = await fetch(input, { signal: AbortSignal.timeout(30_000) });
    if (!res.ok) throw new Error(`GET ${input}: HTTP ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  }
  return readFile(input);
}

/** Image keys already answered in a previous JSONL run (lines with an error are retried). */
export function doneImages(jsonl: string): Set<string> {
  const done = new Set<string>();
  for (const line of jsonl.split('\n')) {
    if (!line.trim()) continue;
    try {
      const row = JSON.parse(line) as { image?: string; error?: unknown };
      if (row.image && row.error === undefined) done.add(row.image);
    } catch {
      // a line cut short by an interrupted run: that image is read again
    }
  }
  return done;
}
