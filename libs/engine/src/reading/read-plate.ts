import type { InferenceSession } from 'onnxruntime-node';
import { EngineConfig, compileTextFormats, strictRegion } from '../config';
import { PlateDetection, saneCorners } from '../detect/plate';
import { Box, Point, boxArea, intersection } from '../geometry/box';
import { dist, expandQuad, shiftQuad, warpQuad } from '../geometry/warp';
import { RgbImage, cropRgb, resizeRgb, sharpenRgb } from '../image/decode';
import { greedyDecode } from '../ocr/ctc';
import { recognizePlates } from '../ocr/plate-recognize';
import { HeadRegion, SLOT_W, SlotFrames, readRegion, readSlots } from '../ocr/slot-reader';
import { detectText } from '../ocr/text-detect';
import { LineFrames, recognizeLines } from '../ocr/text-recognize';
import {
  Candidate,
  CandidateContext,
  RecognizerFrames,
  generateCandidates,
} from '../plates/candidates';
import { inferRegion, stateFromText } from '../plates/region';
import { countryWeights, plateLook, regionFromHead } from '../plates/region-prior';
import { readState, stateFromLook, stateInput } from '../plates/plate-state';
import { attributeTensor } from '../vehicle/attributes';
import { TextView, slotView } from '../plates/text-views';
import { sureClasses } from '../plates/format-guard';
import { TUNING } from './tuning';

/**
 * Who reads the plate text. `cct`: the CCT plate reader alone (cct_xs_v1_global); `gated`: the
 * CCT reader, plus PP-OCRv4 when its best reading is unsure (TUNING.gate). The comparison paths of issue 5: `ensemble` (PP-OCRv4 + platewise-rec-v1),
 * `ppocr` (PP-OCRv4 alone), `crnn` (platewise-rec-v1 alone).
 */
export type RecognizerMode = 'cct' | 'gated' | 'ensemble' | 'ppocr' | 'crnn';
export const RECOGNIZER_MODES: readonly RecognizerMode[] = [
  'cct',
  'gated',
  'ensemble',
  'ppocr',
  'crnn',
];
/** Modes that need PP-OCRv4's text detector and recogniser. */
export const usesPpocr = (m: RecognizerMode): boolean => m !== 'cct';

export interface ReaderSessions {
  textDet?: InferenceSession;
  textRec?: InferenceSession;
  /** platewise-rec-v1 (CRNN) */
  crnn?: InferenceSession;
  /** the CCT reader */
  cct?: InferenceSession;
  /** the region classifier (optional): where the plate is from, for the no-hint prior and region.code */
  region?: InferenceSession;
  /** the US-state head (optional, platewise-state-v1 on the image backbone): `us-xx` from the plate's look */
  state?: InferenceSession;
}

/** What was read from one plate: ranked candidates and where the plate is from. */
export interface PlateText {
  candidates: Candidate[];
  region: { code: string; score: number };
  /**
   * Where the plate read lies when that is not the detector's quad: both rows of a two-row plate
   * whose lower row alone the detector found (otherRow); corners as PlateDetection's.
   */
  corners?: Point[];
}

interface Quad {
  corners: Point[];
  qw: number;
  qh: number;
  /** the detector's call: one text row or two */
  rows: number;
}

export class PlateTextReader {
  constructor(
    private readonly s: ReaderSessions,
    private readonly table: Int32Array | null,
    readonly mode: RecognizerMode,
  ) {}

  /** One run of each reader's session (ONNX Runtime finishes its set-up on the first run). */
  async warmUp(): Promise<void> {
    const dummy = { data: Buffer.alloc(64 * 64 * 3, 128), width: 64, height: 64 };
    if (this.s.textDet) await detectText(this.s.textDet, dummy, 64);
    if (this.s.textRec && this.table) await recognizeLines(this.s.textRec, [dummy], this.table, 1);
    if (this.s.crnn) await recognizePlates(this.s.crnn, [dummy]);
    if (this.s.cct) await readSlots(this.s.cct, [dummy]);
    if (this.s.region) await readRegion(this.s.region, [dummy]);
    if (this.s.state) await readState(this.s.state, await attributeTensor(dummy));
  }

  async read(
    img: RgbImage,
    det: PlateDetection,
    hints: string[],
    config: EngineConfig,
  ): Promise<PlateText | null> {
    const corners = saneCorners(det);
    const qw = (dist(corners[0], corners[1]) + dist(corners[3], corners[2])) / 2;
    const qh = (dist(corners[0], corners[3]) + dist(corners[1], corners[2])) / 2;
    if (qw < 4 || qh < 2) return null;
    const quad = { corners, qw, qh, rows: det.rows };
    const ctx: CandidateContext = {
      hints,
      textFormats: compileTextFormats(config.text_formats),
      strictRegion: strictRegion(config, hints),
    };
    const out =
      this.mode === 'cct' || this.mode === 'gated'
        ? await this.readCct(img, quad, ctx, config)
        : await this.readLegacy(img, quad, ctx, config);
    if (!out || !out.candidates.length || out.candidates[0].score < config.threshold_o) return null;
    return out;
  }

  /** The CCT reader on the padded quad; in `gated` mode PP-OCRv4 joins when the reading is unsure. */
  private async readCct(
    img: RgbImage,
    q: Quad,
    ctx: CandidateContext,
    config: EngineConfig,
  ): Promise<PlateText | null> {
    if (!this.s.cct) throw new Error('the CCT plate reader is not loaded');
    let crop = cctCrop(img, q);
    // A plate that may well be American: the state head's input is resized (sharp, off the main
    // thread) while the reader runs; any other gets it only once it is placed in the US.
    const usHinted = ctx.hints.some((h) => h === 'us' || h.startsWith('us-'));
    const early =
      this.s.state && (usHinted || !ctx.hints.length)
        ? stateInput(img, q.corners, q.qw, q.qh)
        : null;
    early?.catch(() => undefined); // awaited in refineState; not unhandled if the reader throws
    let [frames] = await readSlots(this.s.cct, [crop]);
    // Where the plate is from: the classifier's run (as long as the reader's) feeds region.code
    // always, and the format prior only without hints (with hints, the hints guide the reading).
    let head = this.s.region ? (await readRegion(this.s.region, [crop]))[0] : frames.region;
    const cctCtx = {
      ...ctx,
      countryWeights: head && !ctx.hints.length ? countryWeights(head) : null,
      sure: sureClasses(frames),
    };
    // `mode: fast` reads each crop once, as it is
    const more = config.mode !== 'fast';
    let { views, candidates } = await this.unsureViews(crop, frames, cctCtx, more);
    const groups: RecognizerFrames[] = [cctGroup(views)];
    // A one-row reading that fits no plate format may be the lower row of a two-row plate
    // (otherRow): its quad grown upward is read too, and replaces it where that reads better.
    const other = await this.otherRow(img, q, candidates, ctx, head, more);
    if (other) {
      ({ q, crop, frames, views, candidates } = other);
      groups[0] = cctGroup(views);
      cctCtx.sure = sureClasses(frames);
      // where the plate is from, on the whole plate this time
      head = this.s.region ? (await readRegion(this.s.region, [crop]))[0] : frames.region;
    }
    let extra = '';
    if (
      this.mode === 'gated' &&
      config.mode !== 'fast' &&
      (!candidates.length || candidates[0].score < TUNING.gate)
    ) {
      const pp = await this.ppocrViews(img, q, config);
      extra = pp.extra;
      groups.push({ name: 'ppocr', views: pp.views, weight: TUNING.gateWeight });
      candidates = generateCandidates(groups, {
        ...cctCtx,
        printed: this.printedState(extra, ctx.hints),
      });
    }
    if (!candidates.length) return null;
    const fromHead =
      head && !stateFromText(extra)
        ? regionFromHead(candidates[0].plate, head, ctx.hints, {
            ...plateLook(crop),
            // the head sees the crop stretched to a fixed size: the plate's shape is new evidence,
            // measured for single-row and two-row plates (PLATE_ASPECT, PLATE_ASPECT_TWO_ROW)
            aspect: q.qw / q.qh,
            rows: q.rows,
          })
        : null;
    const region = fromHead ?? inferRegion(candidates[0].regions, extra, ctx.hints);
    return {
      candidates,
      region: await this.refineState(img, q, region, candidates[0].plate, early),
      ...(other ? { corners: q.corners } : {}),
    };
  }

  /**
   * The plate detector's box hugs a plate's main text line, and on a two-row plate (European
   * square plates, motorcycles) it often takes the lower, larger row alone and calls the plate
   * one-row: the reader then answers that row (`317AP` for BA / 317AP). So a one-row quad whose
   * best reading fits no format of the regions in play is read again grown upward by
   * `TUNING.otherRowGrow` of its height (when the photo holds that much above it), and that
   * reading is the answer where its best candidate fits a format and ranks higher (log P(text) +
   * log P(format), candidates.ts) than the one-row reading's. One extra reader run, only on such
   * plates: 7 of the 163 plates read in the 148 dev photos, none of whose answers changed. A
   * lower row that fits a format by itself (`JJ92`, German) is left as it is.
   */
  private async otherRow(
    img: RgbImage,
    q: Quad,
    candidates: Candidate[],
    ctx: CandidateContext,
    head: Record<HeadRegion, number> | null,
    more: boolean,
  ): Promise<{
    q: Quad;
    crop: RgbImage;
    frames: SlotFrames;
    views: TextView[];
    candidates: Candidate[];
  } | null> {
    const best = candidates[0];
    if (q.rows !== 1 || !best || best.regions.length || !this.s.cct) return null;
    const [tl, tr, br, bl] = q.corners;
    const up = (top: Point, bottom: Point): Point => ({
      x: top.x + (top.x - bottom.x) * TUNING.otherRowGrow,
      y: top.y + (top.y - bottom.y) * TUNING.otherRowGrow,
    });
    const corners = [up(tl, bl), up(tr, br), br, bl];
    // the other row must lie in the photo (a close-up read whole has nothing above it)
    if (corners.some((p) => p.y < 0 || p.x < 0 || p.x > img.width)) return null;
    const grown: Quad = { corners, qw: q.qw, qh: q.qh * (1 + TUNING.otherRowGrow), rows: 2 };
    const crop = cctCrop(img, grown);
    const [frames] = await readSlots(this.s.cct, [crop]);
    const { views, candidates: twoRow } = await this.unsureViews(
      crop,
      frames,
      {
        ...ctx,
        countryWeights: head && !ctx.hints.length ? countryWeights(head) : null,
        sure: sureClasses(frames),
      },
      more,
    );
    const top = twoRow[0];
    if (!top || !top.regions.length || top.total <= best.total) return null;
    return { q: grown, crop, frames, views, candidates: twoRow };
  }

  /**
   * The CCT reader's candidates for a crop it has read (`frames`). Where `more`, a reading that
   * scores under `TUNING.unsure` is read again in other views of the crop — sharpened, and, when
   * the crop is narrower than the reader's input, enlarged `TUNING.cctEnlarge` times by libvips'
   * bicubic interpolator — and the views' probabilities are averaged per text.
   */
  private async unsureViews(
    crop: RgbImage,
    frames: SlotFrames,
    ctx: CandidateContext,
    more: boolean,
  ): Promise<{ views: TextView[]; candidates: Candidate[] }> {
    const views = [slotView(frames, TUNING.cctConfusion)];
    const candidates = generateCandidates([cctGroup(views)], ctx);
    if (!more || !this.s.cct || (candidates[0]?.score ?? 0) >= TUNING.unsure)
      return { views, candidates };
    const k = TUNING.cctEnlarge;
    const others = await Promise.all([
      sharpenRgb(crop),
      ...(crop.width < SLOT_W ? [resizeRgb(crop, crop.width * k, crop.height * k, 'cubic')] : []),
    ]);
    for (const f of await readSlots(this.s.cct, others))
      views.push(slotView(f, TUNING.cctConfusion));
    return { views, candidates: generateCandidates([cctGroup(views)], ctx) };
  }

  /**
   * A plate placed in the US (country level) gets its state from the state head when one is
   * loaded and sure enough (plates/plate-state.ts); a state read in print is kept as it is.
   */
  private async refineState(
    img: RgbImage,
    q: Quad,
    region: { code: string; score: number },
    text: string,
    /** its input, when readCct made it already */
    input: Promise<Float32Array> | null,
  ): Promise<{ code: string; score: number }> {
    if (region.code !== 'us' || !this.s.state) return region;
    const probs = await readState(
      this.s.state,
      await (input ?? stateInput(img, q.corners, q.qw, q.qh)),
    );
    const state = stateFromLook(probs, text);
    if (!state) return region;
    return { code: state.code, score: Math.round(region.score * state.score * 100) / 100 };
  }

  /** Issue 5's paths: PP-OCRv4 on two views of the main line, platewise-rec-v1 on the padded quad. */
  private async readLegacy(
    img: RgbImage,
    q: Quad,
    ctx: CandidateContext,
    config: EngineConfig,
  ): Promise<PlateText | null> {
    const groups: RecognizerFrames[] = [];
    const pp = await this.ppocrViews(img, q, config);
    if (this.mode !== 'crnn') groups.push({ name: 'ppocr', views: pp.views, weight: 1 });
    if (this.mode !== 'ppocr' && this.s.crnn) {
      const crops = crnnCrops(img, q, config);
      if (TUNING.crnnLineView && pp.detectedLine) crops.push(pp.detectedLine);
      groups.push({
        name: 'crnn',
        views: await recognizePlates(this.s.crnn, crops),
        weight: this.mode === 'crnn' ? 1 : TUNING.crnnWeight,
        combine: TUNING.crnnCombine,
      });
    }
    const candidates = generateCandidates(groups, {
      ...ctx,
      printed: this.printedState(pp.extra, ctx.hints),
    });
    if (!candidates.length) return null;
    return { candidates, region: inferRegion(candidates[0].regions, pp.extra, ctx.hints) };
  }

  private printedState(extra: string, hints: string[]): string | null {
    const state = stateFromText(extra);
    const usAllowed = !hints.length || hints.some((h) => h === 'us' || h.startsWith('us-'));
    return state && usAllowed && TUNING.usePrinted ? state.code : null;
  }

  /**
   * PP-OCRv4 views of the plate: the rectified quad as a text line and (unless fast) the main line
   * its text detector finds on the padded plate; the plate's other lines (state names, slogans)
   * are read too, only to guess the region.
   */
  private async ppocrViews(img: RgbImage, q: Quad, config: EngineConfig) {
    if (!this.s.textRec || !this.s.textDet || !this.table)
      throw new Error('PP-OCRv4 is not loaded');
    const { corners, qw, qh } = q;
    const lines: RgbImage[] = [];
    let detectedLine: RgbImage | null = null;
    let otherLines: RgbImage[] = [];
    if (TUNING.useLineView) {
      const quad = expandQuad(corners, TUNING.linePadX, TUNING.linePadY);
      const h = 64;
      const w = clampInt(
        Math.round(((qw * (1 + 2 * TUNING.linePadX)) / (qh * (1 + 2 * TUNING.linePadY))) * h),
        64,
        640,
      );
      lines.push(warpQuad(img, quad, w, h));
    }
    if (TUNING.useTextDet && config.mode !== 'fast') {
      const px = TUNING.platePadX;
      const py = TUNING.platePadY;
      const h = 128;
      const w = clampInt(
        Math.round((((qw * (1 + 2 * px)) / (qh * (1 + 2 * py))) * h) / 32) * 32,
        96,
        640,
      );
      const view = warpQuad(img, expandQuad(corners, px, py), w, h);
      const boxes = await detectText(this.s.textDet, view, 640);
      // The plate detector's box hugs the main text line: it sits here, in view coordinates.
      const main: Box = {
        xmin: (px / (1 + 2 * px)) * w,
        xmax: ((1 + px) / (1 + 2 * px)) * w,
        ymin: (py / (1 + 2 * py)) * h,
        ymax: ((1 + py) / (1 + 2 * py)) * h,
      };
      let best = -1;
      let bestOverlap = 0;
      boxes.forEach((b, i) => {
        const o = intersection(b.box, main) / Math.max(1, boxArea(main));
        if (o > bestOverlap) {
          bestOverlap = o;
          best = i;
        }
      });
      const crop = (b: Box): RgbImage =>
        cropRgb(view, b.xmin, b.ymin, b.xmax - b.xmin, b.ymax - b.ymin);
      if (best >= 0 && bestOverlap > 0.25) {
        detectedLine = crop(boxes[best].box);
        lines.push(detectedLine);
      }
      // Other text on the plate only feeds the region guess: the widest few lines, unstretched.
      otherLines = boxes
        .filter((_, i) => i !== best)
        .filter(
          (b) =>
            b.box.ymax - b.box.ymin >= 6 &&
            b.box.xmax - b.box.xmin >= 3 * (b.box.ymax - b.box.ymin),
        )
        .sort((a, b) => b.box.xmax - b.box.xmin - (a.box.xmax - a.box.xmin))
        .slice(0, TUNING.extraLines)
        .map((b) => crop(b.box));
    }
    const views: LineFrames[] = await recognizeLines(
      this.s.textRec,
      lines,
      this.table,
      TUNING.recStretch,
    );
    const extraFrames = await recognizeLines(this.s.textRec, otherLines, this.table, 1);
    const extra = extraFrames.map((f) => greedyDecode(f.m, f.steps).text).join(' ');
    return { views, detectedLine, extra };
  }
}

/** The CCT reader's views of one plate (unsureViews), their probabilities averaged per text. */
const cctGroup = (views: TextView[]): RecognizerFrames => ({
  name: 'cct',
  views,
  weight: 1,
  combine: 'lse',
});

/** The CCT readers' view: the quad padded like their crops, at native resolution (resized later). */
export function cctCrop(img: RgbImage, q: Quad): RgbImage {
  const px = TUNING.cctPadX;
  const py = TUNING.cctPadY;
  const w = clampInt(q.qw * (1 + 2 * px), 16, 512);
  const h = clampInt(q.qh * (1 + 2 * py), 8, 256);
  return warpQuad(img, expandQuad(q.corners, px, py), w, h);
}

/** platewise-rec-v1's views (TUNING.crnnViews; `mode: fast` keeps the first). */
function crnnCrops(img: RgbImage, q: Quad, config: EngineConfig): RgbImage[] {
  const views = config.mode === 'fast' ? TUNING.crnnViews.slice(0, 1) : TUNING.crnnViews;
  return views.map(([pad, dx, dy]) => {
    const px = TUNING.crnnPadX + pad;
    const py = TUNING.crnnPadY + pad;
    const w = clampInt(q.qw * (1 + 2 * px), 16, 512);
    const h = clampInt(q.qh * (1 + 2 * py), 8, 256);
    return warpQuad(img, expandQuad(shiftQuad(q.corners, dx, dy), px, py), w, h);
  });
}

const clampInt = (x: number, lo: number, hi: number): number =>
  Math.max(lo, Math.min(hi, Math.round(x)));
