import { RgbImage } from '../image/decode';
import {
  COLOUR_RULE,
  nameShares,
  pixelColor,
  rgbToLab,
  vehicleColor,
  whitePatchGains,
} from './color';

describe('vehicle colour', () => {
  it.each([
    [[200, 20, 20], 'red'],
    [[20, 40, 200], 'blue'],
    [[240, 240, 240], 'white'],
    [[10, 10, 12], 'black'],
    [[140, 140, 145], 'silver'],
    [[30, 150, 40], 'green'],
    [[230, 200, 30], 'yellow'],
    [[100, 60, 30], 'brown'],
    // a silver car reflecting the sky: the HSV rules called it blue (saturation 0.2)
    [[120, 130, 150], 'silver'],
    // teal is green in the vocabulary
    [[20, 130, 120], 'green'],
    [[0, 0, 255], 'blue'],
  ])('%j is %s', (rgb, name) => {
    expect(pixelColor(rgb[0], rgb[1], rgb[2])).toBe(name);
  });

  it('reads the body band of the vehicle box, skipping the plate', () => {
    const w = 100;
    const h = 100;
    const data = Buffer.alloc(w * h * 3);
    for (let i = 0; i < w * h; i++) data.set([20, 40, 200], i * 3); // blue car
    // a white plate in the middle of the body band, excluded
    for (let y = 45; y < 60; y++)
      for (let x = 30; x < 70; x++) data.set([250, 250, 250], (y * w + x) * 3);
    const img: RgbImage = { data, width: w, height: h };
    const plate = { xmin: 30, ymin: 45, xmax: 70, ymax: 60 };
    expect(vehicleColor(img, { xmin: 0, ymin: 0, xmax: 100, ymax: 100 }, [plate])).toEqual([
      { color: 'blue', score: 1 },
    ]);
    const withPlate = vehicleColor(img, { xmin: 0, ymin: 0, xmax: 100, ymax: 100 });
    expect(withPlate[0].color).toBe('blue');
    expect(withPlate[1].color).toBe('white');
  });

  it('answers black only when black holds COLOUR_RULE.blackShare of the pixels', () => {
    const lab = (rgb: number[], n: number) =>
      Array.from({ length: n }, () => rgbToLab(rgb[0], rgb[1], rgb[2])).flat();
    const grey = [140, 140, 145];
    const dark = [10, 10, 12];
    const n = Math.round(100 * COLOUR_RULE.blackShare);
    // black (glass, tyres, shadow) just under the share, the commonest colour, beside less silver
    // and white: silver, black last
    const glass = n - 1;
    const silver = Math.ceil((100 - glass) / 2);
    const mostlyGlass = Float32Array.from([
      ...lab(dark, glass),
      ...lab(grey, silver),
      ...lab([240, 240, 240], 100 - glass - silver),
    ]);
    expect(glass).toBeGreaterThan(silver);
    expect(nameShares(mostlyGlass)[0]).toEqual({ color: 'silver', score: silver / 100 });
    expect(nameShares(mostlyGlass).map((c) => c.color)).toEqual(['silver', 'white', 'black']);
    // at the share black counts like any colour: the commonest here
    const rest = 100 - n;
    const blackCar = Float32Array.from([
      ...lab(dark, n),
      ...lab(grey, Math.ceil(rest / 2)),
      ...lab([240, 240, 240], Math.floor(rest / 2)),
    ]);
    expect(nameShares(blackCar)[0].color).toBe('black');
    expect(nameShares(new Float32Array(0))).toEqual([{ color: 'unknown', score: 0 }]);
  });

  it('white-patch balance: a white car in a dim, warm photo reads white again', () => {
    const w = 100;
    const h = 100;
    const data = Buffer.alloc(w * h * 3);
    // the whole photo a dim, warm white (a white car at dusk): silver before balancing
    for (let i = 0; i < w * h; i++) data.set([180, 170, 150], i * 3);
    const img: RgbImage = { data, width: w, height: h };
    const box = { xmin: 0, ymin: 0, xmax: 100, ymax: 100 };
    expect(vehicleColor(img, box)[0].color).toBe('silver');
    const gains = whitePatchGains(img);
    expect(gains[2]).toBeCloseTo(255 / 150);
    expect(vehicleColor(img, box, [], gains)[0].color).toBe('white');
  });
});
