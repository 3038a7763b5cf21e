import sharp from 'sharp';
import { Box, boxOfPoints, clampBox } from '../geometry/box';
import { cropRgb, RgbImage } from '../image/decode';
import type { PlateDetection } from '../detect/plate';
import type { FaceDetection } from './faces';
import { blurPixels, pixelatePixels } from './obscure';
import type { RedactFormat, RedactMethod } from './options';

/** At most this many areas of each kind are hidden: the hiding loop is bounded whatever the photo. */
export const MAX_HIDDEN = 64;

/**
 * Below this detector score a plate detection is "weak": on the dev photos mostly a piece of a
 * longer text line (timestamp overlays, signs, stickers) rather than a whole plate.
 */
export const WEAK_PLATE = 0.5;

/**
 * The area hidden for a plate: the detector's box hugs the main text line and its corners follow a
 * tilt, so take both, then grow it — sideways (see below), two thirds of its height above and
 * below — for tilted plates, a second text row, frames and dealer stickers that carry
 * the number too.
 */
export function plateArea(d: PlateDetection): Box {
  const b = boxOfPoints([
    ...d.corners,
    { x: d.box.xmin, y: d.box.ymin },
    { x: d.box.xmax, y: d.box.ymax },
  ]);
  const w = b.xmax - b.xmin;
  const h = b.ymax - b.ymin;
  // At least the plate's own height each side; a weak detection is often one piece of a longer
  // text line (a timestamp overlay, a sign), whose neighbours read as plates once it is hidden:
  // its whole width each side.
  const side = d.score < WEAK_PLATE ? Math.max(w, h) : Math.max(0.25 * w, h);
  return grow(b, side, side, (2 / 3) * h, (2 / 3) * h);
}

/** The area hidden for a face: the detector's tight box, grown for hair, ears and chin. */
export function faceArea(d: FaceDetection): Box {
  const w = d.box.xmax - d.box.xmin;
  const h = d.box.ymax - d.box.ymin;
  return grow(d.box, 0.15 * w, 0.15 * w, 0.25 * h, 0.1 * h);
}

const grow = (b: Box, left: number, right: number, top: number, bottom: number): Box => ({
  xmin: b.xmin - left,
  ymin: b.ymin - top,
  xmax: b.xmax + right,
  ymax: b.ymax + bottom,
});

/**
 * Hides each area of `img` in place (areas already clamped to the image), one after another: each
 * is cut out, made unreadable on its own (an area overlapping one before it takes that one's
 * hidden pixels as they are) and written back, so pixels outside every area are never touched.
 * The blur's sigma, or the pixel cell, is `strength / 20` of the area's short side; solid fills
 * black.
 */
export async function hideAreas(
  img: RgbImage,
  areas: Box[],
  method: RedactMethod,
  strength: number,
): Promise<void> {
  for (const area of areas) {
    const w = area.xmax - area.xmin;
    const h = area.ymax - area.ymin;
    if (w <= 0 || h <= 0) continue;
    const patch = cropRgb(img, area.xmin, area.ymin, w, h);
    const hidden = await hidePatch(patch, method, (Math.min(w, h) * strength) / 20);
    for (let r = 0; r < h; r++) {
      const dst = ((area.ymin + r) * img.width + area.xmin) * 3;
      hidden.copy(img.data, dst, r * w * 3, (r + 1) * w * 3);
    }
  }
}

/**
 * Areas of this many pixels and more are blurred by sharp, in its threads: the engine's thread
 * blurs a plate's area (135 × 60 px) in about 0.6 ms where a sharp call costs 2–3 ms whatever it
 * does, but a 1280 × 511 one in about 80 ms, which sharp's vector code does in a fraction of that
 * off this thread (redact/obscure.ts).
 */
const SHARP_BLUR_FROM = 20_000;

async function hidePatch(patch: RgbImage, method: RedactMethod, scale: number): Promise<Buffer> {
  const { width, height } = patch;
  if (method === 'solid') return Buffer.alloc(patch.data.length, 0);
  if (method === 'pixelate') return pixelatePixels(patch, Math.max(2, scale));
  // Small areas still get a blur that merges their detail; on large ones (a close face) the
  // cost grows with sigma, and 48 px already leaves nothing to recognise.
  const sigma = Math.min(48, Math.max(2, scale));
  if (width * height < SHARP_BLUR_FROM) return blurPixels(patch, sigma);
  return sharp(patch.data, { raw: { width, height, channels: 3 } })
    .blur(sigma)
    .raw()
    .toBuffer();
}

/** Areas to hide, clamped to the image in whole pixels, empty ones dropped, at most MAX_HIDDEN. */
export function clampAreas<T extends { box: Box }>(areas: T[], width: number, height: number): T[] {
  return areas
    .map((a) => ({ ...a, box: clampBox(a.box, width, height) }))
    .filter(({ box }) => box.xmax > box.xmin && box.ymax > box.ymin)
    .slice(0, MAX_HIDDEN);
}

/**
 * PNG in, PNG out; anything else comes back as JPEG. Metadata (EXIF, GPS) is not copied.
 * The JPEG takes libjpeg's standard Huffman tables (`optimiseCoding: false`): the decoded pixels
 * are the same bit for bit (the tables are lossless coding), the file about 8 % larger, and the
 * encode, done once or more per redaction, 2.7× faster (12.5 → 4.6 ms CPU on 20 dev photos).
 */
export async function encodeRedacted(
  img: RgbImage,
  format: RedactFormat,
  /** the upload's alpha plane (alphaOf), kept in PNG output */
  alpha: Buffer | null = null,
): Promise<{ bytes: Buffer; contentType: string }> {
  const s = sharp(img.data, { raw: { width: img.width, height: img.height, channels: 3 } });
  if (format === 'png') {
    const out = alpha
      ? s.joinChannel(alpha, { raw: { width: img.width, height: img.height, channels: 1 } })
      : s;
    return { bytes: await out.png({ compressionLevel: 6 }).toBuffer(), contentType: 'image/png' };
  }
  return {
    bytes: await s.jpeg({ quality: 90, optimiseCoding: false }).toBuffer(),
    contentType: 'image/jpeg',
  };
}

/**
 * The upload's transparency, upright and 8-bit, one byte a pixel, or null when it has none: the
 * engine reads (and hides in) the colours alone, and a PNG answer gives the transparency back
 * as it was (a JPEG has none).
 */
export async function alphaOf(upload: Buffer, maxPixels: number): Promise<Buffer | null> {
  const source = () => sharp(upload, { failOn: 'none', pages: 1, limitInputPixels: maxPixels });
  if (!(await source().metadata()).hasAlpha) return null;
  return source().rotate().extractChannel('alpha').raw({ depth: 'uchar' }).toBuffer();
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** The default output format for an upload: its own when PNG, else JPEG. */
export const defaultFormat = (upload: Buffer): RedactFormat =>
  upload.subarray(0, 8).equals(PNG_SIGNATURE) ? 'png' : 'jpeg';
