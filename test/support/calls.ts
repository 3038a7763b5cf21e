import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
/** A dev photo of a Brazilian plate, AYO9034. */
export const PHOTO = readFileSync(
  join(ROOT, '..', 'shared', 'alpr-dev', 'images', 'br', 'AYO9034.jpg'),
);

/** A new account on the business plan, made with the built CLI; returns its API key. */
export function createAccount(env: Record<string, string>, name: string): string {
  const cli = join(ROOT, 'apps', 'cli', 'dist', 'main.js');
  const out = execFileSync(
    process.execPath,
    [cli, 'account', 'create', `${name}-${Date.now()}`, '--plan', 'business'],
    {
      env: { ...process.env, ...env },
    },
  );
  return JSON.parse(out.toString()).apiKey;
}

/** POST /v1/plate-reader/ with PHOTO uploaded as `filename`. */
export async function readPhoto(port: number, key: string, filename = 'car.jpg') {
  const form = new FormData();
  form.append('upload', new Blob([PHOTO]), filename);
  const res = await fetch(`http://127.0.0.1:${port}/v1/plate-reader/`, {
    method: 'POST',
    headers: { Authorization: `Token ${key}` },
    body: form,
  });
  return { status: res.status, body: await res.json() };
}
