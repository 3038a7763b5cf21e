import { RgbImage } from '../image/decode';
import { pixelColor, vehicleColor, whitePatchGains } from './color';

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
