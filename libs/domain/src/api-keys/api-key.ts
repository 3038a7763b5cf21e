import { createHash, randomBytes } from 'node:crypto';

/** 40 hex characters, the shape of Plate Recognizer tokens, so existing clients accept our keys. */
export function generateApiKey(): string {
  return randomBytes(20).toString('hex');
}

/** Keys are 160-bit random values, so an unsalted SHA-256 is enough to make a stolen table useless. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The part of a key that listings show, so owners can tell their keys apart. */
export function keyPrefix(key: string): string {
  return key.slice(0, 8);
}
