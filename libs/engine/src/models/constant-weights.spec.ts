/**
 * @jest-environment ./libs/engine/src/test-support/ort-environment.js
 */
/**
 * weightsAsConstants (models/constant-weights.ts) on the installed UltraFace 320, whose export lists
 * its weights among the graph's inputs: the rewritten model takes one input and answers what the
 * file answers, within float rounding; a model without such inputs comes back as it was.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tensor } from 'onnxruntime-node';
import { weightsAsConstants } from './constant-weights';
import { resolveModelsDir } from './manifest';
import { parse } from './onnx-proto';
import { sessionsReleasedAfterAll } from '../test-support/sessions';

const dir = resolveModelsDir();
/** GraphProto.input entries of an ONNX file (ModelProto.graph 7 → GraphProto.input 11). */
const graphInputs = (model: Buffer) =>
  parse(parse(model).find((f) => f.field === 7)!.body!).filter((f) => f.field === 11).length;

describe('weightsAsConstants', () => {
  const load = sessionsReleasedAfterAll();

  it('leaves UltraFace one input and the same outputs', async () => {
    const file = readFileSync(join(dir, 'ultraface-RFB-320.onnx'));
    const [before, after] = await Promise.all([file, weightsAsConstants(file)].map(load));
    expect(graphInputs(file)).toBe(245);
    expect(graphInputs(weightsAsConstants(file))).toBe(1);
    expect(after.inputNames).toEqual(['input']);
    const input = new Float32Array(3 * 240 * 320).map((_, i) => Math.sin(i * 0.37) * 0.8);
    const feed = () => ({ input: new Tensor('float32', input, [1, 3, 240, 320]) });
    const [a, b] = await Promise.all([before.run(feed()), after.run(feed())]);
    for (const name of ['scores', 'boxes']) {
      const x = a[name].data as Float32Array;
      const y = b[name].data as Float32Array;
      expect(y.length).toBe(x.length);
      let worst = 0;
      for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
      expect(worst).toBeLessThan(1e-5);
    }
  });

  it('returns a model whose inputs are no weights as it was', () => {
    const file = readFileSync(join(dir, 'y5fu_320x_sim.onnx'));
    expect(weightsAsConstants(file)).toBe(file);
  });
});
