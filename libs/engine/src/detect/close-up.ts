import { TUNING } from '../reading/tuning';
import { plateBox, type PlateRead } from '../results';
import type { PlateDetection } from './plate';

/**
 * A photo that is one plate: a close-up crop, as a client's own plate detector or a camera framed
 * on the plate sends it. The plate detector, trained on street scenes, misses most of them: of the
 * 745 US crops of ../shared/alpr-crops-us the engine read 16 right, of 514 labelled international
 * crops (alpr-crops-intl) 199, while the plate reader given the whole photo reads about 82 % and
 * 90 % of them right. So a plate-shaped photo in which no vehicle is found is also read whole, and
 * where that read is sure, it is the answer: what the detector found inside it are parts of that
 * plate (a registration sticker, the state's name, a slogan). With this, 603 and 457
 * (`pnpm bench:accuracy`, last section).
 *
 * The constants come from those crop sets (never used for evaluation: the dev photos are), by
 * replaying the engine's reads and the whole-photo reads of every crop (US crops with the `us`
 * hint); on the dev photos, street scenes, a whole-photo read scores 0.22 at most, and 4 of 148
 * have no vehicle found.
 */
export const CLOSE_UP = {
  /**
   * Width / height of the photos read whole: square plates (two-row, motorcycle) about 1, US
   * plates 2, European single-row plates 4.7; the crop sets measure 1.4–3.3.
   */
  minAspect: 1,
  maxAspect: 6,
  /**
   * The least score of a whole-photo read that is taken, whatever threshold_o (it is taken when
   * it passes threshold_o too): at 0.6 the crops read right are all kept (613 of 745 US, 462 of
   * 514 international), at 0.9 17 and 12 of them are lost.
   */
  minScore: 0.6,
  /**
   * A plate the detector read this wide (a share of the photo's width) has a margin around it: a
   * loose crop, whose plate its quad reads better than the photo read whole (the reader was
   * trained on plates with 15 % around them). Wider, it is a tight crop the quad is often off on;
   * narrower, a part of the plate (a sticker, the state's name). Chosen on the crop sets (right
   * at 0.4–0.8: 598 of 745 US and 448 of 514 international crops; 0.2–0.8 586 US; 0.4–0.9 436
   * international; keeping every such read wide or not: 613 and 462, but loose crops read worse),
   * and checked on cuts of the dev photos around their labelled plate: with a margin of 10, 30
   * and 60 % of the plate's size per side the engine reads 134, 129 and 128 of 148 plates right
   * (83, 120 and 127 before close-ups were read whole; 134, 132 and 133 with the zoomed-out look
   * of TUNING.zoomOut).
   */
  looseMin: 0.4,
  looseMax: 0.8,
  /**
   * and with a margin on every side of at least this share of the photo: a state's name or a
   * slogan lies along an edge (`de0.png`, Delaware, read `delaware` at half the width); with it
   * 457 international crops are read right against 446 without
   */
  looseMargin: 0.05,
};

/** Whether a photo is shaped like a plate (CLOSE_UP.minAspect–maxAspect). */
export function plateShaped(img: { width: number; height: number }): boolean {
  const aspect = img.width / img.height;
  return aspect >= CLOSE_UP.minAspect && aspect <= CLOSE_UP.maxAspect;
}

/**
 * The whole photo as a plate detection: its corners set in by the reader's padding (TUNING.cctPad*),
 * so that the reader's padded crop is exactly the photo. `score` is the read's, since no detector
 * scored it (the answer's dscore; README.md "Plate reading").
 */
export function wholePhotoPlate(
  img: { width: number; height: number },
  score: number,
): PlateDetection {
  const insetX = (img.width * TUNING.cctPadX) / (1 + 2 * TUNING.cctPadX);
  const insetY = (img.height * TUNING.cctPadY) / (1 + 2 * TUNING.cctPadY);
  const [x0, y0, x1, y1] = [insetX, insetY, img.width - insetX, img.height - insetY];
  return {
    box: { xmin: x0, ymin: y0, xmax: x1, ymax: y1 },
    corners: [
      { x: x0, y: y0 },
      { x: x1, y: y0 },
      { x: x1, y: y1 },
      { x: x0, y: y1 },
    ],
    score,
    rows: 1,
  };
}

/**
 * Whether the detector read a plate with a margin around it (CLOSE_UP.looseMin–looseMax of the
 * photo's width): the photo is then not read whole.
 */
export function looseCrop(reads: PlateRead[], img: { width: number; height: number }): boolean {
  return reads.some((r) => {
    const box = plateBox(r.det);
    const share = (box.xmax - box.xmin) / img.width;
    const margin = Math.min(
      box.xmin / img.width,
      (img.width - box.xmax) / img.width,
      box.ymin / img.height,
      (img.height - box.ymax) / img.height,
    );
    return (
      share >= CLOSE_UP.looseMin && share < CLOSE_UP.looseMax && margin >= CLOSE_UP.looseMargin
    );
  });
}
