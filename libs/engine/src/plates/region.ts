import { KNOWN_REGIONS } from './formats';

/**
 * Region of a plate: a state name printed on a US plate is the strongest evidence; otherwise the
 * plate text's format, preferring the caller's hinted regions.
 */
export const US_STATE_NAMES: Record<string, string> = {
  al: 'ALABAMA',
  ak: 'ALASKA',
  az: 'ARIZONA',
  ar: 'ARKANSAS',
  ca: 'CALIFORNIA',
  co: 'COLORADO',
  ct: 'CONNECTICUT',
  de: 'DELAWARE',
  dc: 'COLUMBIA',
  fl: 'FLORIDA',
  ga: 'GEORGIA',
  hi: 'HAWAII',
  id: 'IDAHO',
  il: 'ILLINOIS',
  in: 'INDIANA',
  ia: 'IOWA',
  ks: 'KANSAS',
  ky: 'KENTUCKY',
  la: 'LOUISIANA',
  me: 'MAINE',
  md: 'MARYLAND',
  ma: 'MASSACHUSETTS',
  mi: 'MICHIGAN',
  mn: 'MINNESOTA',
  ms: 'MISSISSIPPI',
  mo: 'MISSOURI',
  mt: 'MONTANA',
  ne: 'NEBRASKA',
  nv: 'NEVADA',
  nh: 'NEWHAMPSHIRE',
  nj: 'NEWJERSEY',
  nm: 'NEWMEXICO',
  ny: 'NEWYORK',
  nc: 'NORTHCAROLINA',
  nd: 'NORTHDAKOTA',
  oh: 'OHIO',
  ok: 'OKLAHOMA',
  or: 'OREGON',
  pa: 'PENNSYLVANIA',
  ri: 'RHODEISLAND',
  sc: 'SOUTHCAROLINA',
  sd: 'SOUTHDAKOTA',
  tn: 'TENNESSEE',
  tx: 'TEXAS',
  ut: 'UTAH',
  vt: 'VERMONT',
  va: 'VIRGINIA',
  wa: 'WASHINGTON',
  wv: 'WESTVIRGINIA',
  wi: 'WISCONSIN',
  wy: 'WYOMING',
};

export function editDistance(a: string, b: string): number {
  const d = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = d[0];
    d[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = d[j];
      d[j] = Math.min(d[j] + 1, d[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return d[b.length];
}

/**
 * A US state whose name appears in `text` (other lines read on the plate, letters only), allowing
 * about one error in four letters. Returns the state and a 0–1 similarity.
 */
export function stateFromText(text: string): { code: string; score: number } | null {
  const t = text.toUpperCase().replace(/[^A-Z]/g, '');
  if (t.length < 4) return null;
  let best: { code: string; score: number } | null = null;
  for (const [code, name] of Object.entries(US_STATE_NAMES)) {
    // Slide the name over the text (slogans surround it) and keep the closest window.
    let dist = Infinity;
    if (t.length <= name.length) dist = editDistance(t, name) + (name.length - t.length) * 0; // partial reads count
    for (let i = 0; i + name.length <= t.length; i++)
      dist = Math.min(dist, editDistance(t.slice(i, i + name.length), name));
    const len = Math.min(name.length, t.length);
    const sim = 1 - dist / name.length;
    if (dist <= Math.floor(name.length / 4) && len >= 4 && (!best || sim > best.score))
      best = { code: `us-${code}`, score: sim };
  }
  return best;
}

/** Preference among regions sharing a format when no hint decides (larger fleets first). */
const COUNTRY_ORDER = [
  'us',
  'br',
  'gb',
  'de',
  'fr',
  'it',
  'es',
  'pl',
  'nl',
  'be',
  'cz',
  'sk',
  'at',
  'ch',
  'pt',
  'se',
  'no',
  'dk',
  'fi',
  'hu',
  'ro',
  'ie',
];

export function inferRegion(
  plateRegions: string[],
  otherText: string,
  hints: string[],
): { code: string; score: number } {
  const state = stateFromText(otherText);
  const usAllowed = !hints.length || hints.some((h) => h === 'us' || h.startsWith('us-'));
  if (state && usAllowed) return { code: state.code, score: round2(0.6 + 0.35 * state.score) };
  // A hint picks among the regions whose formats the text fits; it is never the answer by itself
  // (a text that fits no hinted region answers its own country). A hinted country with states
  // (`us`) stays at country level: a hinted state is not evidence of the plate's state.
  const hinted = plateRegions.find((r) => hints.some((h) => r === h || r.startsWith(`${h}-`)));
  if (hinted) return { code: hinted.split('-')[0], score: 0.7 };
  const countries = [...new Set(plateRegions.map((r) => r.split('-')[0]))].filter((c) =>
    KNOWN_REGIONS.has(c),
  );
  countries.sort((a, b) => rank(a) - rank(b));
  if (countries.length) return { code: countries[0], score: round2(0.5 / countries.length + 0.1) };
  // no format fits: the largest fleet, with a score that says it is a guess
  return { code: 'us', score: 0.1 };
}

const rank = (c: string): number => {
  const i = COUNTRY_ORDER.indexOf(c);
  return i < 0 ? COUNTRY_ORDER.length : i;
};
const round2 = (x: number): number => Math.round(x * 100) / 100;
