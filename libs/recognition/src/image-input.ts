/** Turning the caller's `upload` / `upload_url` into image bytes, and checking what they are. */

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'tiff' | 'avif' | 'heif';

/** How refusals name the formats sniffImageFormat accepts. */
export const SUPPORTED_IMAGES = 'a JPEG, PNG, WebP, TIFF, AVIF, HEIF or GIF image';

/** File name extensions of those formats, for picking images out of a folder. */
export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set([
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.tif',
  '.tiff',
  '.avif',
  '.heic',
  '.heif',
  '.gif',
]);

/** The image format named by the file's first bytes, or null when it is not one the engine reads. */
export function sniffImageFormat(bytes: Buffer): ImageFormat | null {
  const at = (offset: number, text: string) =>
    bytes.subarray(offset, offset + text.length).toString('latin1') === text;
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff)
    return 'jpeg';
  if (at(0, '\x89PNG\r\n\x1a\n')) return 'png';
  if (at(0, 'GIF87a') || at(0, 'GIF89a')) return 'gif';
  if (at(0, 'RIFF') && at(8, 'WEBP')) return 'webp';
  if (at(0, 'II*\x00') || at(0, 'MM\x00*')) return 'tiff';
  if (at(4, 'ftyp')) {
    const brand = bytes.subarray(8, 12).toString('latin1');
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (['heic', 'heix', 'mif1', 'msf1'].includes(brand)) return 'heif';
  }
  return null;
}

const DATA_URI = /^data:([a-z0-9.+-]+\/[a-z0-9.+-]+)?(;[a-z0-9-]+=[^;,]*)*;base64,/i;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Decodes a base64 string, plain or as a data URI; null when it is not base64. */
export function decodeBase64Image(text: string): Buffer | null {
  const payload = text.replace(DATA_URI, '').replace(/\s+/g, '');
  if (payload.length === 0 || !BASE64.test(payload)) return null;
  const bytes = Buffer.from(
    payload,
    payload.includes('-') || payload.includes('_') ? 'base64url' : 'base64',
  );
  return bytes.length > 0 ? bytes : null;
}

/** Last path segment of a URL, as Plate Recognizer reports `filename`. */
export function filenameOfUrl(url: string): string | null {
  try {
    const last = new URL(url).pathname.split('/').filter(Boolean).pop();
    return last ? decodeURIComponent(last) : null;
  } catch {
    return null;
  }
}
