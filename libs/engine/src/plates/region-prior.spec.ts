import { RgbImage } from '../image/decode';
import { PLATE_ASPECT, aspectLikelihood, plateLook, regionFromHead } from './region-prior';

const head = (p: Partial<Record<'us' | 'br' | 'ar' | 'eu' | 'ro', number>>) => ({
  us: 0,
  br: 0,
  ar: 0,
  eu: 0,
  ro: 0,
  ...p,
});

/** A 100×30 plate crop: white, with the given colour in the left and right 10 % of columns. */
function plate(left: number[], right: number[]): RgbImage {
  const w = 100;
  const h = 30;
  const data = Buffer.alloc(w * h * 3, 235);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const c = x < 10 ? left : x >= 90 ? right : null;
      if (c) data.set(c, (y * w + x) * 3);
    }
  return { data, width: w, height: h };
}
const BLUE = [20, 50, 160];
const WHITE = [235, 235, 235];

describe('the plate look', () => {
  it('measures blue at the right end, and nothing on a colourless crop', () => {
    expect(plateLook(plate(BLUE, BLUE)).rightBlue).toBeGreaterThan(0.3);
    expect(plateLook(plate(BLUE, WHITE)).rightBlue).toBe(0);
    expect(plateLook(plate([90, 90, 90], WHITE)).rightBlue).toBeNull();
  });
});

describe('the plate country from the region head, the text and the look', () => {
  it('an LLNNNLL plate without a right-hand blue band is Slovak, with one Italian', () => {
    const eu = head({ eu: 0.97, us: 0.03 });
    expect(regionFromHead('BA738DE', eu, [], plateLook(plate(BLUE, WHITE)))?.code).toBe('sk');
    expect(regionFromHead('BA738DE', eu, [], plateLook(plate(BLUE, BLUE)))?.code).toBe('it');
    // a colourless crop says nothing: the fleets decide
    expect(regionFromHead('BA738DE', eu, [], { rightBlue: null })?.code).toBe('it');
  });

  it('an unsure look between the US and Brazil leans to the larger fleet', () => {
    expect(regionFromHead('ABC1234', head({ us: 0.4, br: 0.6 }))?.code).toBe('us');
    // a sure look still decides
    expect(regionFromHead('ABC1234', head({ us: 0.1, br: 0.9 }))?.code).toBe('br');
  });

  it('a European look whose text fits no European format answers the group, not the US', () => {
    expect(regionFromHead('M5XSX', head({ eu: 0.98, us: 0.02 }))?.code).toBe('de');
  });

  it("the plate's shape weighs in: a 2:1 plate is not European, a 4.7:1 one not American", () => {
    // `ANW2529` fits US and German formats; the look is torn between them
    const torn = head({ us: 0.3, eu: 0.4, br: 0.3 });
    const nothing = { rightBlue: null };
    expect(regionFromHead('ANW2529', torn, [], { ...nothing, aspect: 2.4 })?.code).toBe('us');
    expect(regionFromHead('ANW2529', torn, [], { ...nothing, aspect: 4.2 })?.code).toBe('de');
    // a Brazilian-looking `ABC1234` stays Brazilian on a 3:1 plate, and is American on a 2.4:1 one
    const br = head({ us: 0.35, br: 0.65 });
    expect(regionFromHead('ABC1234', br, [], { ...nothing, aspect: 3.0 })?.code).toBe('br');
    expect(regionFromHead('ABC1234', br, [], { ...nothing, aspect: 2.4 })?.code).toBe('us');
    // a hint keeps the weight it had: the shape only speaks when there is none
    expect(regionFromHead('ANW2529', torn, ['us'], { ...nothing, aspect: 4.2 })?.code).toBe('us');
  });

  it('a two-row quad is weighed by the two-row shapes: a 2:1 Texan header plate is not Brazilian', () => {
    // a Texas plate whose state name the detector takes as a second row, read CWW2245, with a
    // look that leans Brazilian (a grey plate)
    const look = { rightBlue: null, aspect: 2.06, rows: 2 };
    const leansBr = head({ us: 0.25, br: 0.74 });
    expect(regionFromHead('CWW2245', leansBr, [], look)?.code).toBe('us');
    // without the quad's shape the look decides (two-row quads had none before)
    expect(regionFromHead('CWW2245', leansBr, [], { rightBlue: null })?.code).toBe('br');
    // a wide two-row quad (Brazil's city strip above the characters) stays Brazilian
    expect(regionFromHead('CWW2245', leansBr, [], { ...look, aspect: 2.5 })?.code).toBe('br');
    // a group with too few two-row detections to fit gets the pooled shape
    expect(aspectLikelihood(2.1, 'ar', 2)).toBe(aspectLikelihood(2.1, 'ro', 2));
  });

  it('the shape has a floor and says nothing when unknown', () => {
    const far = aspectLikelihood(20, 'us');
    expect(far).toBeGreaterThan(0);
    expect(aspectLikelihood(40, 'us')).toBe(far);
    expect(aspectLikelihood(undefined, 'eu')).toBe(1);
    expect(aspectLikelihood(Math.exp(PLATE_ASPECT.us.mean), 'us')).toBeCloseTo(
      1 / PLATE_ASPECT.us.sd,
    );
  });

  it('a hint guides but never answers by itself', () => {
    expect(regionFromHead('ABC1D23', head({ br: 0.95, us: 0.05 }), ['us-ca'])?.code).toBe('br');
  });
});
