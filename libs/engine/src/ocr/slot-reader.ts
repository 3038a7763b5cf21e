import type { InferenceSession } from 'onnxruntime-node';
import { RgbImage } from '../image/decode';
import { resizeLikePillow } from '../image/pillow-resize';
import { graftRegionHead } from '../models/region-graft';
import { runU8 } from '../models/runtime';
import { PLATE_CHARS } from './alphabet';

/**
 * The CCT plate reader (fast-plate-ocr's cct_xs_v1_global; a project fine-tune of it exports the
 * same graph): input uint8 RGB NHWC [N,64,128,3], the crop stretched to 128×64; output [N,9,37] —
 * nine character slots, each a softmax over 0-9A-Z (the order of PLATE_CHARS) and the pad `_`
 * (plates shorter than nine slots end in pads). A second output `region` [N,R], when the model has
 * one, is a softmax over where the plate is from; the project's region classifier
 * (platewise-region-v1: the same encoder + a region head) has only that output.
 *
 * The crop is resized exactly as Pillow's BILINEAR does (models/training makes its inputs so).
 */
export const SLOT_H = 64;
export const SLOT_W = 128;
export const SLOT_CLASSES = PLATE_CHARS.length + 1;
export const PAD = PLATE_CHARS.length;
/** Region classes of the project's region head, in output order (models/training/cct.py REGIONS). */
export const HEAD_REGIONS = ['us', 'br', 'ar', 'eu', 'ro'] as const;
export type HeadRegion = (typeof HEAD_REGIONS)[number];

/** One read plate: per-slot probabilities [slots × SLOT_CLASSES] and, when the model has one, its region head. */
export interface SlotFrames {
  p: Float32Array;
  slots: number;
  region: Record<HeadRegion, number> | null;
}

export function slotInput(
  img: RgbImage,
  out = new Uint8Array(SLOT_H * SLOT_W * 3),
  offset = 0,
): Uint8Array {
  out.set(resizeLikePillow(img.data, img.width, img.height, SLOT_W, SLOT_H, 3), offset);
  return out;
}

/** Read plate crops in one batch. */
export async function readSlots(
  session: InferenceSession,
  crops: RgbImage[],
): Promise<SlotFrames[]> {
  if (!crops.length) return [];
  const per = SLOT_H * SLOT_W * 3;
  const batch = new Uint8Array(crops.length * per);
  crops.forEach((c, n) => slotInput(c, batch, n * per));
  const out = await runU8(session, batch, [crops.length, SLOT_H, SLOT_W, 3]);
  const names = Object.keys(out);
  const slotsOut = out[names[0]];
  const [, slots, classes] = slotsOut.dims as number[];
  if (classes !== SLOT_CLASSES)
    throw new Error(`plate reader has ${classes} classes, expected ${SLOT_CLASSES}`);
  const regionOut = names.length > 1 ? out[names[1]] : null;
  return crops.map((_, n) => ({
    p: slotsOut.data.slice(n * slots * classes, (n + 1) * slots * classes),
    slots,
    region: regionOut ? headRegion(regionOut.data, n) : null,
  }));
}

/** The region classifier (platewise-region-v1) on plate crops, one batch. */
export async function readRegion(
  session: InferenceSession,
  crops: RgbImage[],
): Promise<Array<Record<HeadRegion, number>>> {
  if (!crops.length) return [];
  const per = SLOT_H * SLOT_W * 3;
  const batch = new Uint8Array(crops.length * per);
  crops.forEach((c, n) => slotInput(c, batch, n * per));
  const out = await runU8(session, batch, [crops.length, SLOT_H, SLOT_W, 3]);
  const region = out[Object.keys(out)[0]];
  if (region.dims[1] !== HEAD_REGIONS.length)
    throw new Error(
      `region classifier has ${region.dims[1]} classes, expected ${HEAD_REGIONS.length}`,
    );
  return crops.map((_, n) => headRegion(region.data, n));
}

function headRegion(data: Float32Array, n: number): Record<HeadRegion, number> {
  const r = HEAD_REGIONS.length;
  return Object.fromEntries(HEAD_REGIONS.map((k, i) => [k, data[n * r + i]])) as Record<
    HeadRegion,
    number
  >;
}

/** Argmax per slot, pads dropped: the model's own reading. */
export function greedySlots(f: SlotFrames): string {
  let text = '';
  for (let s = 0; s < f.slots; s++) {
    let best = 0;
    for (let c = 1; c < SLOT_CLASSES; c++)
      if (f.p[s * SLOT_CLASSES + c] > f.p[s * SLOT_CLASSES + best]) best = c;
    if (best !== PAD) text += PLATE_CHARS[best];
  }
  return text;
}

/**
 * The reader and the region classifier as sessions: one model, the classifier's head grafted onto
 * the reader (models/region-graft.ts: one encoder run per plate instead of two), where on a test
 * crop it answers exactly — bit for bit — the slots the reader and the regions the classifier
 * answer apart; else the two models, as before.
 */
export async function slotReaderSessions(
  reader: Buffer,
  classifier: Buffer | null,
  load: (bytes: Buffer, model: 'plate-reader' | 'region-classifier') => Promise<InferenceSession>,
): Promise<{ cct: InferenceSession; region?: InferenceSession }> {
  const cct = await load(reader, 'plate-reader');
  if (!classifier) return { cct };
  const region = await load(classifier, 'region-classifier');
  const grafted = graftRegionHead(reader, classifier);
  if (!grafted) return { cct, region };
  const both = await load(grafted, 'plate-reader');
  // a crop with texture in every channel (a flat grey one would hide a swapped channel)
  const crop = { data: Buffer.alloc(SLOT_H * SLOT_W * 3), width: SLOT_W, height: SLOT_H };
  for (let i = 0; i < crop.data.length; i++)
    crop.data[i] = (((i / 3) | 0) * 7 + (i % 3) * 40 + (((i / 3 / SLOT_W) | 0) % 13) * 11) % 256;
  const [apart] = await readSlots(cct, [crop]);
  const [heads] = await readRegion(region, [crop]);
  const [one] = await readSlots(both, [crop]);
  const same =
    one.region !== null &&
    one.p.length === apart.p.length &&
    one.p.every((x, i) => x === apart.p[i]) &&
    HEAD_REGIONS.every((k) => one.region?.[k] === heads[k]);
  await Promise.all(same ? [cct.release(), region.release()] : [both.release()]);
  return same ? { cct: both } : { cct, region };
}
