/**
 * ffmpeg's input formats that carry no timestamps: raw JPEGs (and the multipart MJPEG of HTTP
 * cameras) and elementary video streams without a container. ffmpeg numbers their frames at 25 a
 * second, whatever the camera sends (unless an H.264 stream's SPS states its rate).
 */
export const UNTIMED_FORMATS: ReadonlySet<string> = new Set([
  'mjpeg',
  'mpjpeg',
  'jpeg_pipe',
  'image2pipe',
  'h264',
  'hevc',
  'vvc',
  'h263',
  'm4v',
  'mpegvideo',
  'cavsvideo',
  'rawvideo',
]);

/**
 * The formats a camera's `format` may name: those above and the containers cameras stream in.
 * Not any ffmpeg input format: some read local files or make video of their own (`concat`,
 * `lavfi`, `image2` with a file pattern), which a camera setting has no business with.
 */
export const INPUT_FORMATS: ReadonlySet<string> = new Set([
  ...UNTIMED_FORMATS,
  'mpegts',
  'flv',
  'matroska',
]);
