import { PLATE_CHARS } from '../ocr/alphabet';
import { LineFrames } from '../ocr/text-recognize';
import {
  COUNTRIES,
  FLEET,
  KNOWN_REGIONS,
  formatProbability,
  matchesTemplate,
  regionsMatching,
  templatesFor,
} from './formats';
import { SlotClass, overrules } from './format-guard';
import { TextView, ctcView } from './text-views';
import type { TextMatcher } from './text-pattern';

/**
 * Candidate plate texts for one plate. The recogniser's own hypotheses (CTC beam search, or the
 * most probable slot sequences of a CCT reader, over every view of the plate) are joined by
 * format-aware readings: for each plate template of the regions in play, the best reading that
 * fits the template's letter/digit slots (this is what turns O into 0, I into 1, B into 8 …
 * exactly where a format asks for it). Every text is then scored by the exact probability the
 * recogniser gives it (text-views.ts), plus a prior for fitting the hinted regions' formats (or,
 * without hints, the countries the plate looks like it is from), and the caller's `text_formats`.
 */
export interface Candidate {
  plate: string;
  /** 0–1 reading confidence */
  score: number;
  /** ranking value: log probability + format priors */
  total: number;
  /** regions whose templates the text fits (hinted ones first) */
  regions: string[];
}

export interface CandidateContext {
  /** caller's region hints, normalised (`us-ca`, `br`) */
  hints: string[];
  textFormats: TextMatcher[];
  /** config region=strict: only texts fitting a hinted region's template survive */
  strictRegion: boolean;
  /** a region read from the plate itself (a US state name), a firmer guide than the hints */
  printed?: string | null;
  /**
   * Without hints: each country's weight in the format prior (where the plate looks like it is
   * from, e.g. from the reader's region head; region-prior.ts). Default: fleet sizes (FLEET).
   */
  countryWeights?: Record<string, number> | null;
  /**
   * The slot reader's sure classes (format-guard.ts sureClasses): a text contradicting one gets no
   * support from the region formats. Absent (CTC readers): no guard.
   */
  sure?: SlotClass[] | null;
}

/** Log-probability bonuses; measured on the dev photos (see README "tuning"). */
export const PRIOR = { format: 1.0, floor: 0.0005, confusion: 0.5 };

const DIGITS = [...'0123456789'].map((c) => PLATE_CHARS.indexOf(c) + 1);
const LETTERS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'].map((c) => PLATE_CHARS.indexOf(c) + 1);
const ANY = [...DIGITS, ...LETTERS];
const slotsOf = (template: string): number[][] =>
  [...template].map((t) => (t === 'N' ? DIGITS : t === 'L' ? LETTERS : ANY));

let allTemplates: string[] | null = null;
function everyTemplate(): string[] {
  if (!allTemplates)
    allTemplates = [...new Set([...KNOWN_REGIONS].flatMap((r) => templatesFor(r)))];
  return allTemplates;
}

/**
 * How one recogniser's views of a plate combine per text: `max` (the best view), `lse` (the log of
 * their mean probability) or `mean` (their mean log probability).
 */
export type CombineMode = 'mean' | 'max' | 'lse';
export const COMBINE = { mode: 'max' as CombineMode };
function combine(lps: number[], mode: CombineMode = COMBINE.mode): number {
  if (lps.length === 1) return lps[0];
  if (mode === 'max') return Math.max(...lps);
  if (mode === 'lse') {
    const m = Math.max(...lps);
    return m + Math.log(lps.reduce((s, x) => s + Math.exp(x - m), 0) / lps.length);
  }
  return lps.reduce((s, x) => s + x, 0) / lps.length;
}

export function plausibleLength(n: number): boolean {
  return n >= 2 && n <= 10;
}

/**
 * Frames of one recogniser for one plate (one or more views), with the weight its log probability
 * carries when several recognisers are combined (see `combineRecognizers`).
 */
export interface RecognizerFrames {
  name: string;
  /** CTC frames are wrapped by ctcView; other readers pass their TextView */
  views: Array<LineFrames | TextView>;
  weight: number;
  /** how its views combine per text (default COMBINE.mode) */
  combine?: CombineMode;
}

/**
 * How recognisers are combined, per candidate text, on the scale of one recogniser:
 * `product` — weighted mean of their log probabilities (log-linear pooling, a product of experts:
 * a text one recogniser finds implausible is pulled down in proportion to its weight);
 * `mixture` — log of the weighted mean of their probabilities (a text needs only one recogniser
 * to find it likely, close to a per-candidate max).
 */
export const ENSEMBLE = { rule: 'mixture' as 'product' | 'mixture' };

export function combineRecognizers(
  perRecognizer: number[],
  weights: number[],
  rule = ENSEMBLE.rule,
): number {
  const wsum = weights.reduce((s, x) => s + x, 0);
  if (rule === 'mixture') {
    const m = Math.max(...perRecognizer);
    return (
      m + Math.log(perRecognizer.reduce((s, lp, i) => s + weights[i] * Math.exp(lp - m), 0) / wsum)
    );
  }
  return perRecognizer.reduce((s, lp, i) => s + weights[i] * lp, 0) / wsum;
}

const asView = (v: LineFrames | TextView): TextView =>
  'steps' in v ? ctcView(v, PRIOR.confusion) : v;

export function generateCandidates(
  views: LineFrames[] | RecognizerFrames[],
  ctx: CandidateContext,
  limit = 10,
): Candidate[] {
  const groups: RecognizerFrames[] = isGroups(views)
    ? views
    : [{ name: 'ppocr', views, weight: 1 }];
  const live = groups.filter((g) => g.views.length && g.weight > 0);
  if (!live.length) return [];
  const weights = live.map((g) => g.weight);
  const perGroup = live.map((g) => g.views.map(asView));
  const allViews = perGroup.flat();
  const texts = new Set<string>();
  const lengths = new Set<number>();
  for (const v of allViews) {
    const own = v.readings();
    for (const t of own) texts.add(t);
    if (own[0]) for (const d of [-1, 0, 1]) lengths.add(own[0].length + d);
  }
  const templates = new Set<string>(ctx.hints.flatMap((h) => templatesFor(h)));
  for (const t of everyTemplate()) templates.add(t);
  for (const t of templates) {
    if (!lengths.has(t.length)) continue;
    for (const v of allViews) {
      const r = v.fit(slotsOf(t));
      if (r) texts.add(r);
    }
  }
  // Views of one recogniser are looks at the same plate (combine()); recognisers are pooled by
  // weight on the scale of one recogniser, so the format prior keeps its meaning.
  const logpOf = (text: string): number =>
    combineRecognizers(
      perGroup.map((vs, i) =>
        combine(
          vs.map((v) => v.logProb(text)),
          live[i].combine,
        ),
      ),
      weights,
    );
  const hinted = new Set(ctx.hints);
  const among = ctx.hints.length ? new Set([...ctx.hints, ...KNOWN_REGIONS]) : KNOWN_REGIONS;
  const scored: Candidate[] = [];
  const logps = new Map<string, number>();
  for (const text of texts) {
    if (!plausibleLength(text.length)) continue;
    const logp = logpOf(text);
    logps.set(text, logp);
    const regions = regionsMatching(text, among);
    const fitsHint = regions.some(
      (r) => hinted.has(r) || [...hinted].some((h) => r.startsWith(`${h}-`)),
    );
    const fitsFormat = ctx.textFormats.some((re) => re.test(text));
    if (ctx.strictRegion && !(fitsHint || fitsFormat)) continue;
    // Format prior: how likely a plate of the hinted regions (else of any country) has this
    // letter/digit pattern; texts fitting none (vanity plates, foreign cars) get a floor.
    // A text that contradicts what the slot reader is sure of gets none (format-guard.ts).
    const guarded = !!ctx.sure && overrules(text, ctx.sure);
    let pf = guarded ? 0 : formatPrior(text, ctx.hints, ctx.countryWeights);
    if (ctx.printed && !guarded) pf = 0.5 * pf + 0.5 * formatProbability(text, ctx.printed);
    // The caller's text_formats weigh as much as all region evidence together.
    if (ctx.textFormats.length) pf = 0.5 * pf + 0.5 * (fitsFormat ? 1 : 0);
    const total = logp + PRIOR.format * Math.log(Math.max(pf, PRIOR.floor));
    scored.push({ plate: text, score: 0, total, regions: orderRegions(regions, ctx.hints) });
  }
  scored.sort((a, b) => b.total - a.total);
  const top = scored.slice(0, limit);
  if (!top.length) return [];
  // Reading confidence of the winner: its geometric-mean per-frame-character probability, then
  // every other candidate relative to it by its share of the ranking mass.
  const best = top[0];
  const bestLogp = logps.get(best.plate) as number;
  const conf = Math.exp(bestLogp / Math.max(1, best.plate.length));
  for (const c of top) c.score = round3(conf * Math.exp(Math.max(-30, c.total - best.total)));
  return top;
}

function isGroups(v: LineFrames[] | RecognizerFrames[]): v is RecognizerFrames[] {
  return v.length > 0 && 'views' in v[0];
}

export type { TextView };

/**
 * P(pattern of text): hinted regions weigh equally; without hints, countries weigh by
 * `countryWeights` (where the plate looks like it is from), else by fleet size.
 */
export function formatPrior(
  text: string,
  hints: string[],
  countryWeights?: Record<string, number> | null,
): number {
  if (hints.length) return hints.reduce((s, r) => s + formatProbability(text, r), 0) / hints.length;
  const w = countryWeights ?? FLEET;
  let sum = 0;
  let norm = 0;
  for (const c of COUNTRIES) {
    sum += (w[c] ?? 0) * formatProbability(text, c);
    norm += w[c] ?? 0;
  }
  return norm > 0 ? sum / norm : 0;
}

function orderRegions(regions: string[], hints: string[]): string[] {
  const rank = (r: string): number => {
    const i = hints.findIndex((h) => r === h || r.startsWith(`${h}-`));
    return i < 0 ? hints.length : i;
  };
  return [...regions].sort((a, b) => rank(a) - rank(b));
}

/**
 * What callers see of the candidates (`results[].candidates`, vehicle mode's `props.plate`): the
 * winner first (it is `plate`), then only alternatives a person would consider, those scored at
 * least `floor` (5 %), at most `max`. The ranking keeps more (limit) for the format priors.
 */
export const REPORTED_CANDIDATES = { floor: 0.05, max: 10 };

export function reportedCandidates(ranked: readonly Candidate[]): Candidate[] {
  return ranked
    .filter((c, i) => i === 0 || c.score >= REPORTED_CANDIDATES.floor)
    .slice(0, REPORTED_CANDIDATES.max);
}

export const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export { matchesTemplate };
