import { RgbImage } from '../image/decode';
import {
  LAMP_BANDS,
  isLampRed,
  lampLikelihood,
  lampRed,
  placeLikelihood,
  platePlace,
  withCues,
} from './orientation-cues';

/** A 200×100 car: `body` everywhere, `lamp` in two 20×15 patches at the outer edges, 40 % down. */
function car(body: number[], lamp: number[] | null): RgbImage {
  const w = 200;
  const h = 100;
  const data = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const inLamp = lamp && y >= 40 && y < 55 && (x < 20 || x >= 180);
      data.set(inLamp ? lamp : body, (y * w + x) * 3);
    }
  return { data, width: w, height: h };
}
const box = { xmin: 0, ymin: 0, xmax: 200, ymax: 100 };
const WHITE = [230, 230, 230];
const RED = [200, 30, 30];

describe('tail lamps', () => {
  it('lamp red is a saturated, bright red; not white, orange or dark red', () => {
    expect(isLampRed(200, 30, 30)).toBe(true);
    expect(isLampRed(230, 230, 230)).toBe(false);
    expect(isLampRed(230, 140, 20)).toBe(false);
    expect(isLampRed(60, 10, 10)).toBe(false);
  });

  it('a white car with red lamps at its sides leans to Rear; without them to Front', () => {
    const rear = lampRed(car(WHITE, RED), box);
    expect(rear.side).toBeGreaterThan(0.06);
    expect(rear.middle).toBe(0);
    expect(lampLikelihood(rear)).toBe(LAMP_BANDS[LAMP_BANDS.length - 1].rearOverFront);
    expect(lampLikelihood(lampRed(car(WHITE, null), box))).toBe(LAMP_BANDS[0].rearOverFront);
    const head = [
      { value: 'Front' as const, score: 0.7 },
      { value: 'Rear' as const, score: 0.25 },
      { value: 'Unknown' as const, score: 0.05 },
    ];
    const out = withCues(head, lampLikelihood(rear));
    expect(out[0].value).toBe('Rear');
    expect(out.reduce((s, o) => s + o.score, 0)).toBeCloseTo(1, 2);
  });

  it('a red body says nothing about lamps', () => {
    expect(lampLikelihood(lampRed(car(RED, RED), box))).toBe(1);
  });
});

describe("the plate's place on the vehicle", () => {
  it('a plate low in the box leans to Front, one higher up to Rear; none says nothing', () => {
    const vehicle = { xmin: 0, ymin: 100, xmax: 400, ymax: 300 };
    const plate = (cy: number) => ({ xmin: 150, xmax: 250, ymin: cy - 10, ymax: cy + 10 });
    expect(platePlace(vehicle, [plate(260)])).toBeCloseTo(0.8);
    expect(placeLikelihood(platePlace(vehicle, [plate(260)]))).toBeLessThan(1);
    expect(placeLikelihood(platePlace(vehicle, [plate(200)]))).toBeGreaterThan(1);
    expect(placeLikelihood(platePlace(vehicle, []))).toBe(1);
  });
});
