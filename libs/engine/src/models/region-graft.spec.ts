/**
 * @jest-environment ./libs/engine/src/test-support/ort-environment.js
 */
/**
 * The region classifier's head grafted onto the plate reader (models/region-graft.ts): one model
 * that answers exactly what the two answer apart. Loads the installed cct_xs_v1_global.onnx and
 * platewise-region-v1.onnx and reads plate crops cut from ../shared/alpr-dev's labelled boxes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cropRgb, decodeImage } from '../image/decode';
import { readRegion, readSlots, slotReaderSessions } from '../ocr/slot-reader';
import { DEV, photo } from '../test-support/dev-photos';
import { resolveModelsDir } from './manifest';
import { graftRegionHead } from './region-graft';
import { sessionsReleasedAfterAll } from '../test-support/sessions';

const dir = resolveModelsDir();
const reader = readFileSync(join(dir, 'cct_xs_v1_global.onnx'));
const classifier = readFileSync(join(dir, 'platewise-region-v1.onnx'));

describe('graftRegionHead', () => {
  const load = sessionsReleasedAfterAll();

  it('answers the reader’s slots and the classifier’s regions, bit for bit, in one run', async () => {
    const grafted = graftRegionHead(reader, classifier);
    expect(grafted).not.toBeNull();
    const [both, alone, head] = await Promise.all(
      [grafted as Buffer, reader, classifier].map(load),
    );
    expect(both.outputNames).toEqual([...alone.outputNames, 'region']);
    // the labelled plates of the first photo of each set
    const rows = readFileSync(join(DEV, 'dataset.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { set: string; image: string; box: Record<string, number> });
    const crops = [];
    for (const set of ['br', 'eu', 'us']) {
      const row = rows.find((r) => r.set === set) as (typeof rows)[number];
      const img = await decodeImage(photo(row.image.replace(/^images\//, '')));
      const b = row.box;
      crops.push(cropRgb(img, b.xmin, b.ymin, b.xmax - b.xmin, b.ymax - b.ymin));
    }
    const one = await readSlots(both, crops);
    const apart = await readSlots(alone, crops);
    const regions = await readRegion(head, crops);
    one.forEach((f, i) => {
      expect(Array.from(f.p)).toEqual(Array.from(apart[i].p));
      expect(f.region).toEqual(regions[i]);
    });
  }, 60_000);

  it('refuses graphs that are not a Keras CCT reader and a ReduceMean → Gemm → Softmax head', () => {
    expect(graftRegionHead(classifier, classifier)).toBeNull();
    expect(graftRegionHead(reader, reader)).toBeNull();
  });

  it('is what slotReaderSessions keeps: one session where the graft checks out', async () => {
    const s = await slotReaderSessions(reader, classifier, load);
    expect(s.region).toBeUndefined();
    expect(s.cct.outputNames).toContain('region');
    const alone = await slotReaderSessions(reader, null, load);
    expect(alone.region).toBeUndefined();
    expect(alone.cct.outputNames).not.toContain('region');
  }, 60_000);
});
