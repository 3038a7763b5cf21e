/**
 * @jest-environment ./libs/engine/src/test-support/ort-environment.js
 */
import { loadManifest, readVerified, resolveModelsDir } from '../models/manifest';
import { createSession, run1, RuntimeOptions } from '../models/runtime';
import { RedactionThread } from './redaction-thread';

describe('the face detectors thread', () => {
  it('runs the plate detector as a session on this thread does, and hands its input back', async () => {
    const dir = resolveModelsDir();
    const plate = readVerified(dir, loadManifest(dir), 'plate-detector');
    const opts: RuntimeOptions = { threads: 1, device: 'cpu' };
    const thread = await RedactionThread.start([], opts, { bytes: plate, file: 'plate-detector' });
    const local = await createSession(plate, 'plate-detector', opts);
    try {
      const dims = [1, 3, 320, 320];
      const input = Float32Array.from(
        { length: 3 * 320 * 320 },
        (_, i) => ((i * 7919) % 256) / 255,
      );
      const copy = input.slice();
      const there = await thread.plateRunner()!(input, dims);
      // moved there, not copied, and handed back unchanged with the output
      expect(input.length).toBe(0);
      expect(there.input).toEqual(copy);
      const here = await run1(local, copy, dims);
      expect(there.dims).toEqual(here.dims);
      let worst = 0;
      for (let i = 0; i < here.data.length; i++)
        worst = Math.max(worst, Math.abs(there.data[i] - here.data[i]));
      expect(worst).toBeLessThan(1e-4);
      expect(thread.runner(640)).toBeUndefined();
    } finally {
      await thread.close();
      await local.release();
    }
  });
});
