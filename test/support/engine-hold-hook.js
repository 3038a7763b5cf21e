/**
 * Preloaded into worker processes by system tests (NODE_OPTIONS="--require <this file>"; Node
 * preloads it in every thread, so it reaches wherever the engine runs): a read whose regions
 * include `zz-<n>` first keeps its thread busy for n seconds in a synchronous loop, as a
 * pathological photo would, then reads. `zz` is no country, so the engine otherwise ignores it.
 */
const engine = require('../../libs/engine/dist/engine.js');

const HOLD = /^zz-(\d{1,3})$/;
const create = engine.createEngine;

engine.createEngine = async (...args) => {
  const created = await create(...args);
  const read = created.read.bind(created);
  created.read = (image, opts = {}) => {
    for (const region of opts.regions ?? []) {
      const seconds = HOLD.exec(region)?.[1];
      if (!seconds) continue;
      const end = Date.now() + Number(seconds) * 1000;
      while (Date.now() < end);
    }
    return read(image, opts);
  };
  return created;
};
