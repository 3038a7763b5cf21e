import sharp from 'sharp';
import { ImageDecodeError } from '../errors';

/** Interleaved 8-bit RGB pixels, the one image form every stage works on. */
export interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

/** Formats the engine reads (sharp's names; AVIF is reported by libvips as `heif`). */
const SUPPORTED = new Set(['jpeg', 'png', 'webp', 'tiff', 'heif', 'gif']);

/**
 * Default pixel limit (width × height). Decoding costs about 3 bytes per pixel plus the
 * pipeline's copies: measured peak RSS growth 41 MB for 12 MP, 152 MB for 48 MP, 754 MB for a
 * 256 MP (16000×16000, 31 KB) 1-bit PNG. 40 MP covers 8K cameras (33 MP) at ~130 MB.
 */
export const DEFAULT_MAX_PIXELS = 40_000_000;

/**
 * Decode an upload to upright RGB. EXIF orientation is applied, alpha dropped, greyscale and CMYK
 * converted to sRGB; for animated GIF/WebP only the first frame is read.
 */
export async function decodeImage(
  input: Buffer,
  maxPixels = DEFAULT_MAX_PIXELS,
): Promise<RgbImage> {
  if (!input || input.length === 0) throw new ImageDecodeError('empty upload', 'corrupt');
  // The common formats, told by their first bytes, decode while the header is checked (one wait
  // for sharp's threads instead of two); the pixel limit holds in the decoder too. Anything else
  // is decoded only once the header says it is a format the engine reads.
  const early = commonFormat(input) ? decodePixels(input, maxPixels) : null;
  early?.catch(() => undefined); // awaited below; not unhandled where the header check throws
  const format = await checkHeader(input, maxPixels);
  try {
    const { data, info } = await (early ?? decodePixels(input, maxPixels));
    if (info.channels !== 3) throw new Error(`unexpected ${info.channels} channels`);
    return { data, width: info.width, height: info.height };
  } catch (err) {
    throw new ImageDecodeError(
      `cannot decode ${format} image: ${decoderReason((err as Error).message)}`,
      'corrupt',
      format,
    );
  }
}

/**
 * Pixels a caller has decoded already (a video frame): interleaved 8-bit RGB, `width × height × 3`
 * bytes, upright. Read as they are, they spare an encode and a decode (apps/stream).
 */
export interface RawRgb {
  data: Uint8Array;
  width: number;
  height: number;
}

/** `raw` as the engine's image, its size checked as a decoded upload's is (no copy). */
export function rawImage(raw: RawRgb, maxPixels = DEFAULT_MAX_PIXELS): RgbImage {
  const { data, width, height } = raw;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new ImageDecodeError(
      `raw pixels: width and height must be whole numbers above 0`,
      'corrupt',
      'raw',
    );
  if (width * height > maxPixels) throw tooLarge(width, height, maxPixels, 'raw');
  if (data.byteLength !== width * height * 3)
    throw new ImageDecodeError(
      `raw pixels: ${data.byteLength} bytes for ${width}×${height} RGB (${width * height * 3} expected)`,
      'corrupt',
      'raw',
    );
  return { data: Buffer.from(data.buffer, data.byteOffset, data.byteLength), width, height };
}

/**
 * decodeImage of an image this engine encoded itself (a redaction's JPEG or PNG), whose format and
 * size are known: no header check, one call to sharp.
 */
export async function decodeOwn(input: Buffer): Promise<RgbImage> {
  const { data, info } = await decodePixels(input, DEFAULT_MAX_PIXELS);
  return { data, width: info.width, height: info.height };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** JPEG, PNG or WebP by their signatures (a wrong guess only means a decode that fails). */
function commonFormat(b: Buffer): boolean {
  return (
    (b.length > 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) ||
    b.subarray(0, 8).equals(PNG_SIGNATURE) ||
    (b.length > 12 &&
      b.toString('latin1', 0, 4) === 'RIFF' &&
      b.toString('latin1', 8, 12) === 'WEBP')
  );
}

function decodePixels(input: Buffer, maxPixels: number) {
  return sharp(input, { failOn: 'error', pages: 1, limitInputPixels: maxPixels })
    .rotate()
    .toColourspace('srgb')
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
}

/** The format from the header, refused when the engine does not read it or the image is too large. */
async function checkHeader(input: Buffer, maxPixels: number): Promise<string> {
  let format: string | undefined;
  try {
    // the header alone, so no pixel limit: sharp's own (268 MP) would refuse a larger declared
    // image as a decode failure, not as too large
    const meta = await sharp(input, { failOn: 'none', limitInputPixels: false }).metadata();
    format = meta.format;
    if ((meta.width ?? 0) * (meta.height ?? 0) > maxPixels) {
      // Read from the header alone: a small file can declare a huge image (a decompression bomb).
      throw tooLarge(meta.width, meta.height, maxPixels, format);
    }
  } catch (err) {
    if (err instanceof ImageDecodeError) throw err;
    // libvips recognises formats by their magic bytes; "unsupported image format" means none matched.
    const msg = (err as Error).message;
    if (/unsupported image format/i.test(msg)) {
      throw new ImageDecodeError(
        'unsupported image format (use JPEG, PNG, WebP, TIFF, AVIF or GIF)',
        'unsupported',
      );
    }
    throw new ImageDecodeError(`cannot decode image: ${decoderReason(msg)}`, 'corrupt');
  }
  if (!format || !SUPPORTED.has(format)) {
    throw new ImageDecodeError(
      `unsupported image format ${format ?? 'unknown'} (use JPEG, PNG, WebP, TIFF, AVIF or GIF)`,
      'unsupported',
      format,
    );
  }
  return format;
}

/** The refusal of an image of more pixels than `maxPixels`, said the same for every input. */
const tooLarge = (width: unknown, height: unknown, maxPixels: number, format?: string) =>
  new ImageDecodeError(
    `image is too large: ${width}×${height} pixels, the limit is ${(maxPixels / 1e6).toFixed(0)} megapixels`,
    'too-large',
    format,
  );

/**
 * libvips' message, fit for a client: it repeats a decoder's complaints once per attempt, one a
 * line ("premature end of JPEG image" three times over), so each is said once. Its error buffer
 * is one for every thread, so a decode failing while others run may find it emptied and say only
 * "Unknown error" (a fifth of truncated JPEGs decoded beside others): that says what is known.
 */
function decoderReason(message: string): string {
  const lines = message.split('\n').map((line) => line.trim());
  // sharp's own prefix with libvips' part gone ("Input buffer has corrupt header:") says as little
  const said = [
    ...new Set(lines.filter((line) => line && line !== 'Unknown error' && !line.endsWith(':'))),
  ];
  return said.length > 0 ? said.join('; ') : 'the image data is damaged or cut short';
}

/** A sharp pipeline on decoded RGB pixels. */
const pixels = (img: RgbImage) =>
  sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });

/**
 * Resize RGB pixels to exactly width×height with libvips: bilinear-like by default; `cubic`
 * enlarges with its bicubic interpolator (every kernel but `nearest` and `linear` does).
 */
export async function resizeRgb(
  img: RgbImage,
  width: number,
  height: number,
  kernel: 'linear' | 'cubic' = 'linear',
): Promise<RgbImage> {
  if (img.width === width && img.height === height) return img;
  const data = await pixels(img).resize(width, height, { fit: 'fill', kernel }).raw().toBuffer();
  return { data, width, height };
}

/**
 * resizeRgb for the detectors' inputs, which only read the result: the inputs of one photo share a
 * resize where they ask for the same size (a photo under 0.5 MP is read by YOLOX and by the plate
 * detector both at long side 320, e.g. 320×240 of a 4:3 photo). Kept as long as the photo is.
 */
export function resizeShared(img: RgbImage, width: number, height: number): Promise<RgbImage> {
  const sizes = shared.get(img) ?? new Map<string, Promise<RgbImage>>();
  shared.set(img, sizes);
  const key = `${width}x${height}`;
  const hit = sizes.get(key);
  if (hit) return hit;
  const made = resizeRgb(img, width, height);
  sizes.set(key, made);
  return made;
}

const shared = new WeakMap<RgbImage, Map<string, Promise<RgbImage>>>();

/** The whole-pixel rectangle cropRgb copies for x, y, width, height (clamped to the image). */
export function cropRect(
  img: { width: number; height: number },
  x: number,
  y: number,
  width: number,
  height: number,
) {
  const x0 = Math.max(0, Math.min(img.width - 1, Math.floor(x)));
  const y0 = Math.max(0, Math.min(img.height - 1, Math.floor(y)));
  const w = Math.max(1, Math.min(img.width - x0, Math.round(width)));
  const h = Math.max(1, Math.min(img.height - y0, Math.round(height)));
  return { left: x0, top: y0, width: w, height: h };
}

/** Copy a rectangle out of an image (clamped to its bounds). */
export function cropRgb(
  img: RgbImage,
  x: number,
  y: number,
  width: number,
  height: number,
): RgbImage {
  const { left: x0, top: y0, width: w, height: h } = cropRect(img, x, y, width, height);
  const out = Buffer.allocUnsafe(w * h * 3);
  for (let r = 0; r < h; r++) {
    const src = ((y0 + r) * img.width + x0) * 3;
    img.data.copy(out, r * w * 3, src, src + w * 3);
  }
  return { data: out, width: w, height: h };
}

/**
 * resizeRgb of cropRgb(img, x, y, width, height), the same pixels, with the crop taken in sharp's
 * threads (no copy on the main thread).
 */
export async function cropResizeRgb(
  img: RgbImage,
  x: number,
  y: number,
  width: number,
  height: number,
  toWidth: number,
  toHeight: number,
): Promise<RgbImage> {
  const rect = cropRect(img, x, y, width, height);
  if (rect.width === toWidth && rect.height === toHeight) return cropRgb(img, x, y, width, height);
  const data = await pixels(img)
    .extract(rect)
    .resize(toWidth, toHeight, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  return { data, width: toWidth, height: toHeight };
}

/** RGB pixels sharpened by libvips' unsharp mask (sigma 1, twice its default gain on edges). */
export async function sharpenRgb(img: RgbImage): Promise<RgbImage> {
  const data = await pixels(img).sharpen({ sigma: 1, m1: 2, m2: 4 }).raw().toBuffer();
  return { data, width: img.width, height: img.height };
}
