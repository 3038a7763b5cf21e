/**
 * Shared setup for the specs that read real photos: the dev set (../shared/alpr-dev, read at run
 * time), the plates of a result, and one engine shared by every test in the calling file.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PlateResult } from '@platewise/snapshot';
import { createEngine, Engine } from '../engine';

export const DEV = resolve(__dirname, '../../../../../shared/alpr-dev');
export const photo = (p: string): Buffer => readFileSync(join(DEV, 'images', p));
export const plates = (r: { results: unknown[] }) =>
  (r.results as PlateResult[]).map((x) => x.plate.toUpperCase());

/** Registers beforeAll/afterAll for one engine shared by the file; call the result to get it. */
export function sharedEngine(): () => Engine {
  let engine: Engine;
  beforeAll(async () => {
    engine = await createEngine({ threads: 2 });
  }, 120_000);
  afterAll(() => engine?.close());
  return () => engine;
}
