/**
 * Preloaded into worker processes by system tests (NODE_OPTIONS="--require <this file>"; Node
 * preloads it in every thread, so it reaches wherever the engine runs): an image that ends with
 * `platewise-test-hold=<n>` (bytes after the image's end, which decoders ignore: engine-hold.ts)
 * first keeps its thread busy for n seconds in a synchronous loop, as a pathological photo would,
 * then is read.
 */
const engine = require('../../libs/engine/dist/engine.js');

const HOLD = /platewise-test-hold=(\d{1,3})$/;
const create = engine.createEngine;

engine.createEngine = async (...args) => {
  const created = await create(...args);
  const read = created.read.bind(created);
  created.read = (image, opts) => {
    const seconds = HOLD.exec(image.subarray(-32).toString('latin1'))?.[1];
    if (seconds) {
      const end = Date.now() + Number(seconds) * 1000;
      while (Date.now() < end);
    }
    return read(image, opts);
  };
  return created;
};
