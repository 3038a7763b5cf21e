/**
 * Jest environment for tests that run ONNX Runtime. Jest gives each test file its own JavaScript
 * realm, so its Float32Array is not the one onnxruntime-node's native binding creates outputs
 * with, and ORT's `instanceof` checks fail ("A float32 tensor's data must be type of
 * Float32Array"). Sharing the host realm's typed-array constructors fixes that.
 * Use with a `@jest-environment ./src/test-support/ort-environment.js`-style docblock.
 */
const path = require('node:path');
// jest-environment-node is a dependency of jest itself; resolve it from there (pnpm keeps it
// out of the workspace's top-level node_modules).
const jestDir = path.dirname(require.resolve('jest/package.json', { paths: [__dirname] }));
const envPath = require.resolve('jest-environment-node', {
  paths: [require('node:fs').realpathSync(jestDir)],
});
const NodeEnvironment = require(envPath).TestEnvironment;

class OrtEnvironment extends NodeEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of [
      'Float32Array',
      'Float64Array',
      'Int8Array',
      'Uint8Array',
      'Int16Array',
      'Uint16Array',
      'Int32Array',
      'Uint32Array',
      'BigInt64Array',
      'BigUint64Array',
      'ArrayBuffer',
      'Buffer',
    ]) {
      this.global[name] = globalThis[name];
    }
  }
}

module.exports = OrtEnvironment;
