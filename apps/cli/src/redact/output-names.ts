import type { RedactFormat } from '@platewise/engine';
import { realpath } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';

/** File name extensions that already say an output's format. */
const OWN_EXTENSIONS: Record<RedactFormat, readonly string[]> = {
  jpeg: ['.jpg', '.jpeg'],
  png: ['.png'],
};

/**
 * An image's name under --out: its own relative name when its extension already says the output's
 * format (`a/b.jpeg` stays `a/b.jpeg`), else that name with the format's extension added (`c.webp`
 * → `c.webp.jpg`, `d.png` written as JPEG → `d.png.jpg`), so each keeps the name it came with.
 */
export function ownOutputName(relative: string, format: RedactFormat): string {
  if (OWN_EXTENSIONS[format].includes(extname(relative).toLowerCase())) return relative;
  return `${relative}${OWN_EXTENSIONS[format][0]}`;
}

/**
 * Each image's name under --out, all different: its own name (ownOutputName), and where several
 * images would get the same one (`A/x.jpg` and `B/x.jpg` given as folders A and B), the first in
 * the order given keeps it and the next get `x-2.jpg`, `x-3.jpg`…, numbers no image's own name
 * takes. Names are compared ignoring case, as macOS and Windows file systems do.
 */
export function outputNames(images: { relative: string; format: RedactFormat }[]): string[] {
  const own = images.map(({ relative, format }) => ownOutputName(relative, format));
  const key = (name: string) => name.toLowerCase();
  const reserved = new Set(own.map(key));
  const taken = new Set<string>();
  return own.map((name) => {
    let chosen = name;
    // A number is tried until one is free: not taken yet, and not another image's own name.
    for (let n = 2; taken.has(key(chosen)) || (chosen !== name && reserved.has(key(chosen))); n++)
      chosen = numbered(name, n);
    taken.add(key(chosen));
    return chosen;
  });
}

/** `a/x.jpg` → `a/x-2.jpg`: the number before the extension, so the file still opens as one. */
const numbered = (name: string, n: number): string => {
  const ext = extname(name);
  return `${name.slice(0, name.length - ext.length)}-${n}${ext}`;
};

/** Where `path` really is: symbolic links resolved as far as the path exists. */
export async function realLocation(path: string): Promise<string> {
  const absolute = resolve(path);
  try {
    return await realpath(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : join(await realLocation(parent), basename(absolute));
  }
}
