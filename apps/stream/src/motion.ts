/**
 * The cheap gate in front of the engine: a grey thumbnail of each frame (about 128 pixels on its
 * longest side, sampled straight from the RGB buffer) compared with the previous one. A frame
 * where too few pixels changed is not read, so a still scene costs the decoding and this loop
 * (~15,000 pixels) per sampled frame, not a plate detection.
 */
export class MotionGate {
  private previous: Uint8Array | null = null;

  /**
   * @param minChanged fraction of thumbnail pixels that must change for the frame to be read
   * @param pixelDelta grey-level difference (0 … 255) that counts as a change
   */
  constructor(
    private readonly minChanged = 0.005,
    private readonly pixelDelta = 18,
  ) {}

  /** Whether `rgb` (width × height × 3 bytes) differs enough from the last frame to be read. */
  moved(rgb: Buffer, width: number, height: number): boolean {
    const step = Math.max(1, Math.floor(Math.max(width, height) / 128));
    const cols = Math.floor(width / step);
    const rows = Math.floor(height / step);
    const grey = new Uint8Array(cols * rows);
    for (let r = 0; r < rows; r++) {
      const row = r * step * width;
      for (let c = 0; c < cols; c++) {
        const i = (row + c * step) * 3;
        grey[r * cols + c] = (rgb[i] * 77 + rgb[i + 1] * 150 + rgb[i + 2] * 29) >> 8;
      }
    }
    const previous = this.previous;
    this.previous = grey;
    if (!previous || previous.length !== grey.length) return true;
    let changed = 0;
    for (let i = 0; i < grey.length; i++) {
      if (Math.abs(grey[i] - previous[i]) > this.pixelDelta) changed++;
    }
    return changed >= this.minChanged * grey.length;
  }
}
