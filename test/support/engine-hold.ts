import { join } from 'node:path';

/** Preload it into a worker (NODE_OPTIONS) to make its engine holdable: engine-hold-hook.js. */
export const ENGINE_HOLD_HOOK = join(__dirname, 'engine-hold-hook.js');

/** The image with the marker that holds a hooked engine busy for `seconds` before reading it. */
export const holdingImage = (image: Buffer, seconds: number) =>
  Buffer.concat([image, Buffer.from(`platewise-test-hold=${seconds}`, 'latin1')]);
