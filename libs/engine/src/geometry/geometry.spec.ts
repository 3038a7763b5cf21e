import { iou } from './box';
import { letterbox, unletterbox } from './letterbox';
import { MAX_NMS_INPUTS, nms } from './nms';
import { applyHomography, expandQuad, homography, shiftQuad } from './warp';

describe('letterbox', () => {
  it('fits a 1280×720 photo into 320×320, centred (plate detector)', () => {
    const lb = letterbox(1280, 720, 320, 320, 'center');
    expect(lb).toEqual({ scale: 0.25, width: 320, height: 180, padX: 0, padY: 70 });
    expect(unletterbox(lb, 160, 160)).toEqual([640, 360]);
    expect(unletterbox(lb, 0, 70)).toEqual([0, 0]);
  });

  it('fits a portrait photo into 416×416 at the top-left (vehicle detector)', () => {
    const lb = letterbox(581, 1032, 416, 416, 'top-left');
    expect(lb.scale).toBeCloseTo(416 / 1032, 10);
    expect(lb.width).toBe(234);
    expect(lb.height).toBe(416);
    expect(lb.padX).toBe(0);
    expect(lb.padY).toBe(0);
    const [x, y] = unletterbox(lb, 208, 208);
    expect(x).toBeCloseTo(516, 6);
    expect(y).toBeCloseTo(516, 6);
  });

  it('puts an odd padding remainder on the right', () => {
    const lb = letterbox(100, 99, 64, 64, 'center');
    expect(lb.height).toBe(63);
    expect(lb.padY).toBe(0);
  });
});

describe('nms', () => {
  const b = (xmin: number, score: number) => ({
    box: { xmin, ymin: 0, xmax: xmin + 10, ymax: 10 },
    score,
  });

  it('keeps the best of overlapping boxes and every separate box', () => {
    const kept = nms([b(0, 0.5), b(1, 0.9), b(30, 0.3), b(2, 0.7)], 0.5);
    expect(kept.map((k) => k.score)).toEqual([0.9, 0.3]);
  });

  it('uses IoU strictly above the threshold', () => {
    // boxes 0..10 and 5..15: IoU = 50 / 150 = 1/3
    expect(iou(b(0, 1).box, b(5, 1).box)).toBeCloseTo(1 / 3, 10);
    expect(nms([b(0, 0.9), b(5, 0.8)], 1 / 3)).toHaveLength(2);
    expect(nms([b(0, 0.9), b(5, 0.8)], 0.3)).toHaveLength(1);
  });

  it('considers only the best MAX_NMS_INPUTS boxes, so its quadratic cost is bounded', () => {
    // Separate boxes: each would be kept; only the best MAX_NMS_INPUTS are.
    const many = Array.from({ length: MAX_NMS_INPUTS + 500 }, (_, i) => b(i * 20, i / 10_000));
    const kept = nms(many, 0.5);
    expect(kept).toHaveLength(MAX_NMS_INPUTS);
    expect(kept[0].score).toBe(many[many.length - 1].score);
    expect(Math.min(...kept.map((k) => k.score))).toBe(500 / 10_000);
  });
});

describe('perspective warp', () => {
  it('maps the destination rectangle onto a skewed quadrilateral', () => {
    const quad = [
      { x: 10, y: 20 },
      { x: 110, y: 30 },
      { x: 105, y: 80 },
      { x: 12, y: 70 },
    ];
    const h = homography(
      [
        { x: 0, y: 0 },
        { x: 200, y: 0 },
        { x: 200, y: 50 },
        { x: 0, y: 50 },
      ],
      quad,
    );
    const p = applyHomography(h, 200, 50);
    expect(p.x).toBeCloseTo(105, 6);
    expect(p.y).toBeCloseTo(80, 6);
  });

  it('grows a quadrilateral about its centre', () => {
    const q = expandQuad(
      [
        { x: 0, y: 0 },
        { x: 100, y: 0 },
        { x: 100, y: 20 },
        { x: 0, y: 20 },
      ],
      0.1,
      0.5,
    );
    expect(q[0].x).toBeCloseTo(-10);
    expect(q[0].y).toBeCloseTo(-10);
    expect(q[2].x).toBeCloseTo(110);
    expect(q[2].y).toBeCloseTo(30);
  });

  it('shifts a quadrilateral along its own axes', () => {
    // a plate rotated by 90°: its width runs down the image, its height to the left
    const q = [
      { x: 20, y: 0 },
      { x: 20, y: 100 },
      { x: 0, y: 100 },
      { x: 0, y: 0 },
    ];
    const s = shiftQuad(q, 0.1, 0.5);
    expect(s.map((p) => [p.x, p.y])).toEqual([
      [10, 10],
      [10, 110],
      [-10, 110],
      [-10, 10],
    ]);
    expect(shiftQuad(q, 0, 0)).toBe(q);
  });
});
