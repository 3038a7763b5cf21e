/**
 * Plate templates per region. A template is a string over
 *   L = letter A-Z, N = digit 0-9, A = either
 * describing the characters of a plate with spaces and dashes removed. Sources: the national
 * formats in current issue (public registration rules), and for US states the formats counted in
 * the labelled training crops (../shared/alpr-crops-us), never the evaluation photos.
 * Region codes follow Plate Recognizer's list (`us-ca`, `gb`, `br`, …).
 */
export const REGION_TEMPLATES: Record<string, string[]> = {
  // South America
  br: ['LLLNNNN', 'LLLNLNN'],
  ar: ['LLLNNN', 'LLNNNLL'],
  // Europe
  gb: ['LLNNLLL', 'LNNNLLL', 'LLLNNNL', 'LLLNNN', 'NNNLLL'],
  de: germanTemplates(),
  fr: ['LLNNNLL', 'NNNNLLNN', 'NNNLLLNN'],
  it: ['LLNNNLL'],
  es: ['NNNNLLL', 'LNNNNLL', 'LLNNNNLL'],
  pt: ['LLNNLL', 'NNLLNN', 'NNNNLL', 'LLNNNN'],
  pl: [
    'LLNNNNN',
    'LLNNNNL',
    'LLNNNLL',
    'LLNLNNN',
    'LLNLLNN',
    'LLLNNNN',
    'LLLNNNL',
    'LLLNNLL',
    'LLLNLNN',
    'LLLLNNN',
  ],
  cz: ['NLNNNNN', 'NLLNNNN'],
  sk: ['LLNNNLL'],
  at: ['LNNNNL', 'LLNNNL', 'LLNNNLL', 'LNNNLL', 'LLNNNNL'],
  ch: ['LLNNNNNN', 'LLNNNNN', 'LLNNNN', 'LLNNN'],
  nl: [
    'LLNNNL',
    'LNNNLL',
    'NNLLLN',
    'NLLLNN',
    'LLLNNL',
    'LNNLLL',
    'NNLLNN',
    'LLNNLL',
    'NNNLLN',
    'NLLNNN',
  ],
  be: ['NLLLNNN', 'LLLNNN'],
  hu: ['LLLNNN', 'LLLLNNN'],
  ro: ['LLNNLLL', 'LNNLLL', 'LNNNLLL'],
  se: ['LLLNNN', 'LLLNNL'],
  no: ['LLNNNNN'],
  dk: ['LLNNNNN'],
  fi: ['LLLNNN', 'LLNNN'],
  ie: ['NNLNNNNN', 'NNNLNNNN', 'NNLLNNNN', 'NNNLLNNNNN'],
  // United States, per state (training-crop counts ≥ 2 and the state's current series)
  'us-ak': ['LLLNNN'],
  'us-al': ['NLNNNNL', 'NNLNNNL'],
  'us-ar': ['NNNLLL', 'LLLNNN'],
  'us-az': ['NNNLLL', 'LLLNNNN'],
  'us-ca': ['NLLLNNN'],
  'us-co': ['NNNLLL', 'LLLNNNN'],
  'us-ct': ['NNNLLL', 'LLNNNNN'],
  'us-dc': ['LLNNNN'],
  'us-de': ['NNNNNN', 'NNNNNNN'],
  'us-fl': ['LNNNLL', 'NNNLLL', 'LLLLNN', 'LLLNLL'],
  'us-ga': ['LLLNNNN'],
  'us-hi': ['LLLNNN'],
  'us-ia': ['NNNLLL', 'NNNNLL', 'LLLNNN'],
  'us-id': ['NLLNNNN', 'NLLLNNN', 'NLNNNNN'],
  'us-il': ['NNNNNNN', 'LNNNNNN', 'LLNNNNN'],
  'us-in': ['NNNLLL', 'NNNL'],
  'us-ks': ['NNNLLL'],
  'us-ky': ['NNNLLL'],
  'us-la': ['LLLNNN', 'LNNNNNN'],
  'us-ma': ['NNLLNN', 'NNNLLN', 'NLLLNN'],
  'us-md': ['LLLNNN', 'NLLLNN', 'NLLNNNN'],
  'us-me': ['NNNNLL', 'NNNLLL'],
  'us-mi': ['LLLNNNN', 'NLLNNN'],
  'us-mn': ['LLLNNN', 'NNNLLL'],
  'us-mo': ['LLNLNL', 'LLNLNLN'],
  'us-ms': ['LLLNNN', 'NNNLLL'],
  'us-mt': ['NNNNNNL', 'NLNNNNL'],
  'us-nc': ['LLLNNNN'],
  'us-nd': ['LLLNNN'],
  'us-ne': ['NLLNNN', 'NLLLNNN'],
  'us-nh': ['NNNNNNN', 'NNNNNN'],
  'us-nj': ['LLLNNL', 'LNNLLL'],
  'us-nm': ['LLLNNN', 'NNNLLL'],
  'us-nv': ['NNNLLL', 'NLLNNN'],
  'us-ny': ['LLLNNNN'],
  'us-oh': ['LLLNNNN'],
  'us-ok': ['NNNLLL', 'LLLNNN'],
  'us-or': ['LLLNNN', 'NNNLLL'],
  'us-pa': ['LLLNNNN'],
  'us-ri': ['LLNNN', 'NNNNNN'],
  'us-sc': ['LLLNNN'],
  'us-sd': ['NLLNNN', 'NNLLNN'],
  'us-tn': ['NNNLLL', 'LNNNNL'],
  'us-tx': ['LLLNNNN', 'LLNLNNN'],
  'us-ut': ['LNNNLL', 'NNNLLL'],
  'us-va': ['LLLNNNN', 'NNNNLL', 'LLNNNN'],
  'us-vt': ['LLLNNN'],
  'us-wa': ['NNNLLL', 'LLLNNNN'],
  'us-wi': ['NNNLLL', 'LLLNNN', 'LLLNNNN'],
  'us-wv': ['NLNNNN', 'NLLNNN'],
  'us-wy': ['NNNNL', 'NNNNN'],
};

function germanTemplates(): string[] {
  // District (1–3 letters) + 1–2 letters + 1–4 digits, at most 8 characters.
  const out: string[] = [];
  for (let d = 1; d <= 3; d++)
    for (let l = 1; l <= 2; l++)
      for (let n = 1; n <= 4; n++) if (d + l + n <= 8) out.push('L'.repeat(d + l) + 'N'.repeat(n));
  return [...new Set(out)];
}

/** The European country codes, used when a caller hints a whole continent (benchmarks, CLI). */
export const EUROPE = [
  'gb',
  'de',
  'fr',
  'it',
  'es',
  'pt',
  'pl',
  'cz',
  'sk',
  'at',
  'ch',
  'nl',
  'be',
  'hu',
  'ro',
  'se',
  'no',
  'dk',
  'fi',
  'ie',
];

export const US_STATES = Object.keys(REGION_TEMPLATES)
  .filter((r) => r.startsWith('us-'))
  .map((r) => r.slice(3));

/** Every template of every US state, for the country-level code `us`. */
REGION_TEMPLATES.us = [...new Set(US_STATES.flatMap((s) => REGION_TEMPLATES[`us-${s}`]))];

/** Known region codes (lower case). */
export const KNOWN_REGIONS = new Set(Object.keys(REGION_TEMPLATES));

/** `us-ca` → `us-ca`; `US-CA` → `us-ca`; also accepts `us_ca`. Returns null for unknown codes. */
export function normaliseRegion(code: string): string | null {
  const c = code.trim().toLowerCase().replace('_', '-');
  return KNOWN_REGIONS.has(c) ? c : null;
}

/** Templates for a region code; a country code with states (`us`) covers all of its states. */
export function templatesFor(region: string): string[] {
  return REGION_TEMPLATES[region] ?? [];
}

export function matchesTemplate(text: string, template: string): boolean {
  if (text.length !== template.length) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const t = template[i];
    const digit = c >= '0' && c <= '9';
    if (t === 'N' && !digit) return false;
    if (t === 'L' && digit) return false;
  }
  return true;
}

/** The letter/digit shape of a text (`ABC1234` → `LLLNNNN`): all a template can see of it. */
function shapeOf(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) out += text[i] >= '0' && text[i] <= '9' ? 'N' : 'L';
  return out;
}

// Per shape, per region: how many of the region's templates fit. Candidate scoring asks this for
// every text × every region, and the texts of one plate share a handful of shapes.
const fitCounts = new Map<string, Map<string, number>>();
function fitsOf(text: string): Map<string, number> {
  const shape = shapeOf(text);
  let m = fitCounts.get(shape);
  if (!m) {
    m = new Map();
    fitCounts.set(shape, m);
  }
  return m;
}
function templatesFitting(text: string, region: string, fits = fitsOf(text)): number {
  let n = fits.get(region);
  if (n === undefined) {
    n = templatesFor(region).filter((t) => matchesTemplate(text, t)).length;
    fits.set(region, n);
  }
  return n;
}

/** Regions (of `among`) having a template that `text` matches exactly. */
export function regionsMatching(text: string, among: Iterable<string>): string[] {
  const out: string[] = [];
  const fits = fitsOf(text);
  for (const r of among) if (templatesFitting(text, r, fits) > 0) out.push(r);
  return out;
}

/**
 * Probability that a plate of `region` has the letter/digit pattern of `text`: templates of a
 * region share its probability equally, so a country with one format (sk) speaks more firmly than
 * one with dozens (de). A country with states (`us`) uses the union of its states' templates.
 */
export function formatProbability(text: string, region: string): number {
  const templates = templatesFor(region);
  if (!templates.length) return 0;
  return templatesFitting(text, region) / templates.length;
}

/**
 * Prior weight of each country when the caller gives no hint: registered vehicles in millions
 * (rounded public figures), so a pattern common in a big fleet outweighs one used by a small one.
 */
export const FLEET: Record<string, number> = {
  us: 280,
  br: 110,
  ar: 14,
  it: 52,
  de: 60,
  fr: 45,
  gb: 40,
  es: 35,
  pl: 33,
  nl: 10,
  ro: 9,
  cz: 8,
  be: 7,
  at: 7,
  pt: 7,
  ch: 6.5,
  se: 6,
  hu: 4.5,
  fi: 4,
  no: 3.5,
  sk: 3,
  dk: 3,
  ie: 2.5,
};
export const COUNTRIES = Object.keys(FLEET);
