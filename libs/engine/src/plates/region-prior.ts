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

/** How much likelier the text's first two letters are for country `c` than for a uniform pick. */
export function prefixLikelihood(text: string, c: string): number {
  if (!/^[A-Z]{2}/.test(text)) return 1;
  if (c === 'sk') return SK_DISTRICTS.has(text.slice(0, 2)) ? (26 * 26) / SK_DISTRICTS.size : 0;
  if (c === 'it' || c === 'fr') return text[0] <= 'G' ? 26 / 7 : 0;
  return 1;
}

/** The plate's country from the head and the text, or null when the head has nothing to say. */
export function regionFromHead(
  text: string,
  head: Record<HeadRegion, number>,
): { code: string; score: number } | null {
  const group = HEAD_REGIONS.reduce((a, b) => (head[b] > head[a] ? b : a));
  const members = HEAD_COUNTRIES[group];
  if (members.length === 1) return { code: members[0], score: round2(head[group]) };
  const evidence = members.map(
    (c) => (FLEET[c] ?? 0) * formatProbability(text, c) * prefixLikelihood(text, c),
  );
  const total = evidence.reduce((s, x) => s + x, 0);
  if (!(total > 0)) return null;
  const i = evidence.indexOf(Math.max(...evidence));
  return { code: members[i], score: round2(head[group] * (evidence[i] / total)) };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
