import { RgbImage } from '../image/decode';
import { HEAD_REGIONS, HeadRegion } from '../ocr/slot-reader';
import { EUROPE, FLEET, formatProbability } from './formats';

/**
 * Where a plate is from, without hints: the region classifier (platewise-region-v1: us, br, ar,
 * eu, ro, from the plate's look: colours, bands, layout) says which group of countries; inside a
 * group the text's format decides (a Czech `NLNNNNN` only fits cz), weighted by fleet size and,
 * for the formats several countries share, by what the first letters can be (see prefixLikelihood).
 */
export const REGION_PRIOR = {
  /** share of the head in the no-hint format prior; the rest is fleet sizes (FLEET) */
  head: 0.9,
  /** weight of a head group none of whose countries' formats the text fits (region.code) */
  offFormat: 0.05,
  /** weight of a head group holding a hinted country (region.code) */
  hintedGroup: 4,
  /**
   * exponent of a group's fleet (FLEET, summed over its countries) in its weight (region.code):
   * 1 is Bayes' rule for a head trained on evenly sized groups. 0, 0.5 and 1 were compared on the
   * dev photos (the engine's head outputs replayed): 85.1 %, 86.5 %, 88.5 % country right, before
   * the other changes of issue 23's second pass — chosen on dev.
   */
  groupFleet: 1,
};

export const HEAD_COUNTRIES: Record<HeadRegion, string[]> = {
  us: ['us'],
  br: ['br'],
  ar: ['ar'],
  eu: EUROPE.filter((c) => c !== 'ro'),
  ro: ['ro'],
};

const fleetOf = (cs: string[]): number => cs.reduce((s, c) => s + (FLEET[c] ?? 0), 0);
const FLEET_TOTAL = fleetOf(Object.keys(FLEET));

/** Country weights for formatPrior (candidates.ts) from the head's probabilities. */
export function countryWeights(head: Record<HeadRegion, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of Object.keys(FLEET)) out[c] = ((1 - REGION_PRIOR.head) * FLEET[c]) / FLEET_TOTAL;
  for (const g of HEAD_REGIONS) {
    const members = HEAD_COUNTRIES[g];
    const f = fleetOf(members);
    for (const c of members)
      if (f > 0) out[c] = (out[c] ?? 0) + (REGION_PRIOR.head * head[g] * (FLEET[c] ?? 0)) / f;
  }
  return out;
}

/**
 * Slovak district codes (the first two letters of a Slovak plate; public registration rules).
 * Italian and French plates share Slovakia's LLNNNLL layout, but their national series have only
 * reached the letter G, so a plate starting with a later letter is not theirs.
 */
const SK_DISTRICTS = new Set(
  (
    'BA BB BC BJ BL BN BR BS BT BY CA DK DS DT GA GL HC HE IL KA KE KK KM KN KS LC LE LL LM LV MA MI ML MT MY ' +
    'NI NM NO NR NZ PB PD PE PK PN PO PP PT PU RA RK RS RV SA SB SC SE SI SK SL SN SO SP SV TN TO TR TS TT TV ' +
    'VK VT ZA ZC ZH ZM ZV'
  ).split(' '),
);

/**
 * What the plate's colours say beyond the head (null: a monochrome crop, e.g. infrared, says
 * nothing): the share of blue pixels in the right end of the plate crop. Italian and French
 * plates carry a blue band at both ends; Slovak, Czech and most other European plates only at the
 * left (or none), so `BA738DE` with a white right end is not Italian.
 */
export interface PlateLook {
  rightBlue: number | null;
  /**
   * the detector quad's width over its height (read-plate.ts's qw / qh); absent: the shape says
   * nothing (see aspectLikelihood)
   */
  aspect?: number;
  /** the detector's call for the quad: one text row or two (default one) */
  rows?: number;
}

/** Blue: hue 190–260°, saturation ≥ 0.35, not dark (an EU band's blue). */
function isBlue(r: number, g: number, b: number): boolean {
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  if (max !== b || max < 60 || max - min < 0.35 * max) return false;
  const h = 240 - ((g - r) / (max - min)) * 60;
  return h >= 190 && h <= 260;
}

/**
 * The look of the padded plate crop the readers see (cctCrop): the blue share of its right-most
 * 20 % of columns, middle 60 % of rows; null when the crop has almost no colour at all.
 */
export function plateLook(crop: RgbImage): PlateLook {
  const { width: w, height: h, data } = crop;
  let saturated = 0;
  let all = 0;
  let blue = 0;
  let right = 0;
  for (let y = Math.floor(h * 0.2); y < Math.ceil(h * 0.8); y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      const [r, g, b] = [data[i], data[i + 1], data[i + 2]];
      const max = Math.max(r, g, b);
      all++;
      if (max > 40 && max - Math.min(r, g, b) > 0.25 * max) saturated++;
      if (x >= w * 0.8) {
        right++;
        if (isBlue(r, g, b)) blue++;
      }
    }
  // under 2 % coloured pixels: infrared or a grey photo, where no band shows its colour
  if (!all || saturated / all < 0.02) return { rightBlue: null };
  return { rightBlue: right ? blue / right : null };
}

/** Italian and French plates without blue at the right end (PlateLook) weigh this much. */
export const NO_RIGHT_BAND = 0.02;
/** The right-end blue share (PlateLook.rightBlue) under which a plate has no right band. */
export const RIGHT_BAND_MIN = 0.05;

/** How much likelier the text's first two letters are for country `c` than for a uniform pick. */
export function prefixLikelihood(text: string, c: string): number {
  if (!/^[A-Z]{2}/.test(text)) return 1;
  if (c === 'sk') return SK_DISTRICTS.has(text.slice(0, 2)) ? (26 * 26) / SK_DISTRICTS.size : 0;
  if (c === 'it' || c === 'fr') return text[0] <= 'G' ? 26 / 7 : 0;
  return 1;
}

/**
 * How much more a hinted country weighs among the countries of the head's group: enough that a
 * hinted country whose format the text fits wins there (Slovak `BA738DE` is Italian by fleet size).
 */
export const HINT_WEIGHT = 50;

/**
 * The plate's country from the head and the text, or null when the head has nothing to say.
 * Hints weigh the head's groups (REGION_PRIOR.hintedGroup) and, inside the chosen group, its
 * countries (HINT_WEIGHT): a guide where the look or the format is unsure, never the answer by
 * itself, so a Brazilian plate sent with `us-ca` stays `br`.
 */
export function regionFromHead(
  text: string,
  head: Record<HeadRegion, number>,
  hints: string[] = [],
  look: PlateLook = { rightBlue: null },
): { code: string; score: number } | null {
  // The group: the head's probability times whether the text fits a format of the group's
  // countries (REGION_PRIOR.offFormat when not: vanity plates and misreads exist). The look alone
  // confuses plates of similar colours (a white US plate read as Brazilian); `6MMD595` cannot be
  // Brazilian, `ABC1234` can.
  const fit = (g: HeadRegion) =>
    HEAD_COUNTRIES[g].some((c) => formatProbability(text, c) > 0) ? 1 : REGION_PRIOR.offFormat;
  const hinted = (c: string) => hints.some((h) => h === c || h.startsWith(`${c}-`));
  // A hinted group weighs REGION_PRIOR.hintedGroup times more: a guide when the look is unsure,
  // never the answer by itself (a Brazilian plate the head is sure of stays `br` under `us-ca`).
  const guide = (g: HeadRegion) => (HEAD_COUNTRIES[g].some(hinted) ? REGION_PRIOR.hintedGroup : 1);
  // The head learned from a training set whose groups are far more even than the roads are; its
  // probabilities are weighed by each group's fleet (FLEET) before the text decides, so an unsure
  // look between the US and Brazil leans to the US's larger fleet (issue 23: 8 US plates of the
  // dev photos were called Brazilian, on a look of 30–96 %). Without hints the plate's shape
  // (aspectLikelihood) weighs in beside the look: a 2:1 US plate is not a 4.7:1 European one,
  // whatever its colours. With hints it does not: the caller's guide keeps the weight it had, and
  // a quad that hugs only the characters (a New York `EAZ6913` measures 3.7) cannot overrule it.
  const shape = (g: HeadRegion) => (hints.length ? 1 : aspectLikelihood(look.aspect, g, look.rows));
  const weight = HEAD_REGIONS.map(
    (g) =>
      head[g] *
      Math.pow(fleetOf(HEAD_COUNTRIES[g]), REGION_PRIOR.groupFleet) *
      shape(g) *
      fit(g) *
      guide(g),
  );
  const total = weight.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return null;
  const gi = weight.indexOf(Math.max(...weight));
  const group = HEAD_REGIONS[gi];
  const pGroup = weight[gi] / total;
  const members = HEAD_COUNTRIES[group];
  if (members.length === 1) return { code: members[0], score: round2(pGroup) };
  // Inside the group the text's format decides; when it fits none of the group's formats (a
  // vanity plate, a misread) the look still places it in the group, and fleet size decides.
  const fits = members.some((c) => formatProbability(text, c) > 0);
  const evidence = members.map(
    (c) =>
      (FLEET[c] ?? 0) *
      (fits ? formatProbability(text, c) : 1) *
      prefixLikelihood(text, c) *
      bandLikelihood(look, c) *
      (hinted(c) ? HINT_WEIGHT : 1),
  );
  const sum = evidence.reduce((s, x) => s + x, 0);
  if (!(sum > 0)) return null;
  const i = evidence.indexOf(Math.max(...evidence));
  return { code: members[i], score: round2(pGroup * (evidence[i] / sum)) };
}

function bandLikelihood(look: PlateLook, c: string): number {
  if (look.rightBlue === null || (c !== 'it' && c !== 'fr')) return 1;
  return look.rightBlue >= RIGHT_BAND_MIN ? 1 : NO_RIGHT_BAND;
}

/**
 * The plate's shape as the plate detector's quad shows it, per head group, for the plates the
 * detector calls single-row: mean and standard deviation of log(qw / qh), measured on the
 * training plate crops (alpr-crops-us, alpr-crops-intl; `node models/training/plate_aspect.mjs`,
 * never the dev photos). A US plate is 12×6 in, a Brazilian or Mercosur one 400×130 mm, a
 * European one 520×110 mm; the quad hugs the characters, so its medians are 2.45 (us), 2.95 (br),
 * 3.18 (ar), 3.85 (eu), 3.87 (ro), from 163, 270, 74, 111 and 96 single-row detections.
 */
export const PLATE_ASPECT: Record<HeadRegion, { mean: number; sd: number }> = {
  us: { mean: 0.897, sd: 0.103 },
  br: { mean: 1.082, sd: 0.118 },
  ar: { mean: 1.157, sd: 0.117 },
  eu: { mean: 1.347, sd: 0.236 },
  ro: { mean: 1.353, sd: 0.057 },
};

/**
 * The same for the plates the detector calls two-row (same script, same crops). A US plate whose
 * state name the quad takes in as a second row keeps its 2:1 shape (median 2.16 from 79
 * detections); Brazil's two-row detections (old plates with the city strip above) are wider
 * (2.41, 16), European two-row plates squarer (1.73, 23). A group with fewer than
 * TWO_ROW_MIN_FIT two-row detections of its own (ar: 2, ro: none) is given the pooled shape of
 * all 120 two-row detections (median 2.15): its own shape is unknown, so the quad neither favours
 * nor rules it out beyond what any two-row plate's shape would.
 */
export const PLATE_ASPECT_TWO_ROW: Record<HeadRegion, { mean: number; sd: number }> = {
  us: { mean: 0.771, sd: 0.061 },
  br: { mean: 0.88, sd: 0.066 },
  ar: { mean: 0.747, sd: 0.123 },
  eu: { mean: 0.584, sd: 0.142 },
  ro: { mean: 0.747, sd: 0.123 },
};

/** Two-row detections a group needs for a shape of its own (set beforehand, not tuned). */
export const TWO_ROW_MIN_FIT = 10;

/**
 * Beyond this many standard deviations the shape says no more (a tilted, cut-off or two-row
 * plate): a fixed floor under the Gaussian, so the shape alone can tip a group by at most
 * e^(ASPECT_SPAN²/2) ≈ 90× (set from the Gaussian, not tuned).
 */
export const ASPECT_SPAN = 3;

/**
 * How likely the quad's aspect is for head group `g` (a Gaussian in log aspect with a floor), by
 * the detector's row count.
 */
export function aspectLikelihood(aspect: number | undefined, g: HeadRegion, rows = 1): number {
  if (!aspect || !(aspect > 0)) return 1;
  const { mean, sd } = (rows === 2 ? PLATE_ASPECT_TWO_ROW : PLATE_ASPECT)[g];
  const z = Math.min(ASPECT_SPAN, Math.abs(Math.log(aspect) - mean) / sd);
  return Math.exp(-(z * z) / 2) / sd;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
