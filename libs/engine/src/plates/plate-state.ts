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

/** The state head's input for a plate: its stateCrop, as the attribute backbone takes it. */
export function stateInput(
  img: RgbImage,
  corners: Point[],
  qw: number,
  qh: number,
): Promise<Float32Array> {
  return attributeTensor(stateCrop(img, corners, qw, qh));
}

export async function readState(
  session: InferenceSession,
  input: Float32Array,
): Promise<Float32Array> {
  const s = ATTRIBUTE_INPUT;
  const out = await session.run(
    { [session.inputNames[0]]: new ort.Tensor('float32', input, [1, 3, s, s]) },
    ['state'],
  );
  return out.state.data as Float32Array;
}

/**
 * Registered motor vehicles per state, millions (FHWA Highway Statistics, table MV-1, about 2020;
 * rounded): the prior of Bayes' rule for the state, so a California `1ABC234` that also fits
 * Idaho's and Nebraska's formats is Californian unless the look says otherwise.
 */
export const STATE_FLEET: Record<(typeof US_STATES)[number], number> = {
  ak: 0.8, al: 5.3, ar: 2.9, az: 5.9, ca: 31.0, co: 5.4, ct: 2.9, dc: 0.3, de: 1.0, fl: 17.5,
  ga: 8.6, hi: 1.2, ia: 3.7, id: 1.9, il: 10.4, in: 6.1, ks: 2.6, ky: 4.4, la: 3.9, ma: 5.0,
  md: 4.1, me: 1.1, mi: 8.4, mn: 5.5, mo: 5.6, ms: 2.0, mt: 1.8, nc: 8.8, nd: 0.8, ne: 1.9,
  nh: 1.3, nj: 6.0, nm: 1.8, nv: 2.5, ny: 11.0, oh: 10.6, ok: 3.6, or: 3.9, pa: 10.4, ri: 0.9,
  sc: 4.5, sd: 1.2, tn: 5.9, tx: 22.5, ut: 2.4, va: 7.6, vt: 0.6, wa: 7.3, wi: 5.5, wv: 1.6,
  wy: 0.8,
}; // prettier-ignore

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
  /**
   * exponent of the state's fleet (STATE_FLEET) in its weight. 0, 0.5 and 1 were compared on the
   * dev photos (the engine's head outputs replayed, the best state always answered): 66.1 %,
   * 71.4 %, 78.6 % of the labelled US photos right — chosen on dev.
   */
  fleet: 1,
};

/**
 * The state: the head's (flattened) probabilities times the state's fleet times whether the read
 * text fits the state's formats (`us-xx` entries of plates/formats.ts), renormalised: the best
 * state with its probability, however low (as Plate Recognizer answers a state for a US plate;
 * the score says how sure). Null only when nothing weighs anything.
 */
export function stateFromLook(
  probs: ArrayLike<number>,
  text: string,
): { code: string; score: number } | null {
  const weighted = US_STATES.map(
    (s, i) =>
      Math.pow(Math.max(0, probs[i]), STATE_RULE.headPower) *
      Math.pow(STATE_FLEET[s], STATE_RULE.fleet) *
      (formatProbability(text, `us-${s}`) > 0 ? 1 : STATE_RULE.offFormat),
  );
  const total = weighted.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return null;
  const i = weighted.indexOf(Math.max(...weighted));
  return { code: `us-${US_STATES[i]}`, score: Math.round((weighted[i] / total) * 100) / 100 };
}
