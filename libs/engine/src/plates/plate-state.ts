import type { InferenceSession } from 'onnxruntime-node';
import * as ort from 'onnxruntime-node';
import { Point } from '../geometry/box';
import { expandQuad, warpQuad } from '../geometry/warp';
import { RgbImage } from '../image/decode';
import { ATTRIBUTE_INPUT, attributeTensor } from '../vehicle/attributes';
import { formatProbability } from './formats';

/**
 * The US state of a plate from its look: platewise-state-v1, a linear head on the frozen
 * MobileNetV2 features of the whole plate (models/training/train_state.py, trained on the
 * state-labelled ../shared/alpr-crops-us; card models/vehicle-attributes/MODEL_CARD.md). Its
 * output order is this list (alphabetical two-letter codes, District of Columbia included).
 */
export const US_STATES = [
  'ak', 'al', 'ar', 'az', 'ca', 'co', 'ct', 'dc', 'de', 'fl', 'ga', 'hi', 'ia', 'id', 'il', 'in',
  'ks', 'ky', 'la', 'ma', 'md', 'me', 'mi', 'mn', 'mo', 'ms', 'mt', 'nc', 'nd', 'ne', 'nh', 'nj',
  'nm', 'nv', 'ny', 'oh', 'ok', 'or', 'pa', 'ri', 'sc', 'sd', 'tn', 'tx', 'ut', 'va', 'vt', 'wa',
  'wi', 'wv', 'wy',
] as const; // prettier-ignore

/** The plate as the state head saw it in training: the whole plate, a little margin, no bumper. */
export function stateCrop(img: RgbImage, corners: Point[], qw: number, qh: number): RgbImage {
  const w = Math.max(16, Math.min(512, Math.round(qw * 1.1)));
  const h = Math.max(8, Math.min(256, Math.round(qh * 1.3)));
  return warpQuad(img, expandQuad(corners, 0.05, 0.15), w, h);
}

export async function readState(session: InferenceSession, crop: RgbImage): Promise<Float32Array> {
  const s = ATTRIBUTE_INPUT;
  const input = await attributeTensor(crop);
  const out = await session.run(
    { [session.inputNames[0]]: new ort.Tensor('float32', input, [1, 3, s, s]) },
    ['state'],
  );
  return out.state.data as Float32Array;
}

export const STATE_RULE = {
  /**
   * weight of a state none of whose plate formats the text fits (vanity plates and old series
   * exist, but a Missouri `AB1 C2D` series plate fits Missouri alone)
   */
  offFormat: 0.002,
  /**
   * the head's probabilities are flattened (p^headPower) before the format weighs in: trained on
   * sharp crops of 745 plates, the head is over-sure on the small, blurred plates of real photos
   */
  headPower: 0.25,
  /** below this probability the answer stays at country level (`us`) */
  minScore: 0.35,
};

/**
 * The state: the head's (flattened) probabilities times whether the read text fits the state's
 * formats (`us-xx` entries of plates/formats.ts), renormalised. Null when the best state is not
 * likely enough: the caller then answers the country.
 */
export function stateFromLook(
  probs: ArrayLike<number>,
  text: string,
): { code: string; score: number } | null {
  const weighted = US_STATES.map(
    (s, i) =>
      Math.pow(Math.max(0, probs[i]), STATE_RULE.headPower) *
      (formatProbability(text, `us-${s}`) > 0 ? 1 : STATE_RULE.offFormat),
  );
  const total = weighted.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return null;
  const i = weighted.indexOf(Math.max(...weighted));
  const score = weighted[i] / total;
  if (score < STATE_RULE.minScore) return null;
  return { code: `us-${US_STATES[i]}`, score: Math.round(score * 100) / 100 };
}
