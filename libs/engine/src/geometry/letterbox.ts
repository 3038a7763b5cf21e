/**
 * Letterbox maths: fit an image into a fixed model input keeping its aspect ratio, and map
 * model-space coordinates back to the source image.
 */
export interface Letterbox {
  /** source pixels → model pixels */
  scale: number;
  /** size of the resized image inside the model input */
  width: number;
  height: number;
  /** offset of the resized image inside the model input */
  padX: number;
  padY: number;
}

export function letterbox(
  srcW: number,
  srcH: number,
  dstW: number,
  dstH: number,
  align: 'center' | 'top-left',
): Letterbox {
  const scale = Math.min(dstW / srcW, dstH / srcH);
  const width = Math.max(1, Math.min(dstW, Math.round(srcW * scale)));
  const height = Math.max(1, Math.min(dstH, Math.round(srcH * scale)));
  // Centred letterboxes split the padding; an odd remainder goes to the right/bottom.
  const padX = align === 'center' ? Math.floor((dstW - width) / 2) : 0;
  const padY = align === 'center' ? Math.floor((dstH - height) / 2) : 0;
  return { scale, width, height, padX, padY };
}

/** Model-input coordinates → source-image coordinates. */
export function unletterbox(lb: Letterbox, x: number, y: number): [number, number] {
  return [(x - lb.padX) / lb.scale, (y - lb.padY) / lb.scale];
}
